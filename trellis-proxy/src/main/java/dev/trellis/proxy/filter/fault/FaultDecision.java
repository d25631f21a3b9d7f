package dev.trellis.proxy.filter.fault;

import dev.trellis.proxy.config.FaultPolicy;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.concurrent.ThreadLocalRandom;

/** What the fault policy does to one request: delay it, abort it, both or neither. */
public record FaultDecision(long delayMillis, int abortStatus, Integer abortGrpcStatus) {
    public static final FaultDecision NONE = new FaultDecision(0, 0, null);

    public boolean aborts() {
        return abortStatus > 0;
    }

    public static FaultDecision of(FaultPolicy policy, HttpHeaders headers) {
        if (policy == null) {
            return NONE;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long delay = 0;
        int abort = 0;
        Integer grpc = null;
        if (policy.delay() != null && random.nextDouble(100) < policy.delay().percent()) {
            delay = policy.delay().fixedDelay().toMillis();
        }
        if (policy.abort() != null && random.nextDouble(100) < policy.abort().percent()) {
            abort = policy.abort().httpStatus();
            grpc = policy.abort().grpcStatus();
        }
        if (policy.headerControlled()) {
            delay = Math.max(delay, parse(headers.get(FaultPolicy.DELAY_HEADER), 0, 60_000));
            int asked = (int) parse(headers.get(FaultPolicy.ABORT_HEADER), 200, 599);
            if (asked > 0) {
                abort = asked;
            }
        }
        return delay == 0 && abort == 0 ? NONE : new FaultDecision(delay, abort, grpc);
    }

    private static long parse(String v, long min, long max) {
        if (v == null) {
            return 0;
        }
        try {
            long n = Long.parseLong(v.trim());
            return n < min || n > max ? 0 : n;
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
