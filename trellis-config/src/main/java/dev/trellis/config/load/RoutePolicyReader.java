package dev.trellis.config.load;

import dev.trellis.config.resource.Fault;
import dev.trellis.config.resource.GrpcCode;
import dev.trellis.config.resource.RateLimit;
import dev.trellis.config.resource.Retry;
import dev.trellis.config.yaml.Fields;
import dev.trellis.config.yaml.GatewayDuration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Reads the per-route policies of an HTTPRoute rule (retry, fault, rateLimit); rateLimit also for a Service. */
final class RoutePolicyReader {
    /** Retries beyond this only add load: the budget and the circuit breaker would refuse them anyway. */
    static final int MAX_ATTEMPTS = 10;
    /** Bodies are held in memory for replay; more than this per request is no longer a retry, it is a queue. */
    static final int MAX_REPLAY_BYTES = 16 * 1024 * 1024;

    private RoutePolicyReader() {}

    static Retry retry(Fields f) {
        int attempts = f.integer("attempts", Retry.DEFAULT_ATTEMPTS, 0, MAX_ATTEMPTS);
        List<Integer> codes = new ArrayList<>();
        for (Fields.Item item : f.list("codes")) {
            int code = item.integer();
            if (code < 400 || code > 599) {
                throw item.invalid("an HTTP status 400..599");
            }
            if (codes.contains(code)) {
                throw item.invalid("each status once");
            }
            codes.add(code);
        }
        Set<Retry.Condition> on = EnumSet.noneOf(Retry.Condition.class);
        if (f.has("on")) {
            for (Fields.Item item : f.list("on")) {
                Retry.Condition c = Retry.Condition.parse(item.string());
                if (c == null) {
                    throw item.invalid("one of " + Arrays.stream(Retry.Condition.values())
                            .map(Retry.Condition::yamlName).collect(Collectors.joining(", ")));
                }
                if (!on.add(c)) {
                    throw item.invalid("each condition once");
                }
            }
            if (on.contains(Retry.Condition.RETRIABLE_STATUS_CODES) && codes.isEmpty()) {
                throw f.error("on", "retriable-status-codes without codes (expected: the statuses in codes)");
            }
        } else {
            on.addAll(Retry.DEFAULT.on());
        }
        if (!codes.isEmpty()) {
            on.add(Retry.Condition.RETRIABLE_STATUS_CODES); // listing codes is asking for them (GEP-1731)
        }
        List<Integer> grpcCodes = new ArrayList<>();
        for (Fields.Item item : f.list("grpcCodes")) {
            GrpcCode code = GrpcCode.parse(item.text());
            if (code == null || !code.retriable()) {
                throw item.invalid("one of " + Arrays.stream(GrpcCode.values()).filter(GrpcCode::retriable)
                        .map(c -> c.envoyName() + " (" + c.value() + ")").collect(Collectors.joining(", ")));
            }
            if (grpcCodes.contains(code.value())) {
                throw item.invalid("each code once");
            }
            grpcCodes.add(code.value());
        }
        if (attempts == 0 && (!codes.isEmpty() || !grpcCodes.isEmpty())) {
            throw f.error("attempts", "0 with " + (codes.isEmpty() ? "grpcCodes" : "codes")
                    + " (expected: > 0; leave the codes out to disable retries)");
        }
        Duration backoff = f.positiveDuration("backoff", Retry.DEFAULT_BACKOFF);
        Duration maxBackoff = f.positiveDuration("maxBackoff", backoff.multipliedBy(10));
        if (maxBackoff.compareTo(backoff) < 0) {
            throw f.error("maxBackoff", GatewayDuration.format(maxBackoff) + " (expected: >= backoff "
                    + GatewayDuration.format(backoff) + ")");
        }
        boolean nonIdempotent = f.bool("nonIdempotent", false);
        int maxReplayBytes = f.integer("maxReplayBytes", Retry.DEFAULT_MAX_REPLAY_BYTES, 0, MAX_REPLAY_BYTES);
        return new Retry(attempts, on, codes, grpcCodes, backoff, maxBackoff, nonIdempotent, maxReplayBytes);
    }

    static Fault fault(Fields rule) {
        Fields f = rule.object("fault", "delay", "abort", "headerControlled");
        Fault.Delay delay = null;
        if (f.has("delay")) {
            Fields d = f.object("delay", "percent", "fixedDelay");
            double percent = d.number("percent", 100, 0, 100);
            d.node("fixedDelay"); // required
            delay = new Fault.Delay(percent, d.positiveDuration("fixedDelay", null));
        }
        Fault.Abort abort = null;
        if (f.has("abort")) {
            Fields a = f.object("abort", "percent", "httpStatus", "grpcStatus");
            double percent = a.number("percent", 100, 0, 100);
            Integer http = a.has("httpStatus") ? a.integer("httpStatus", 0, 200, 599) : null;
            Integer grpc = null;
            if (a.has("grpcStatus")) {
                GrpcCode code = GrpcCode.parse(a.text("grpcStatus"));
                if (code == null || code == GrpcCode.OK) {
                    throw a.invalid("grpcStatus", "a gRPC status 1..16 or its name, e.g. unavailable");
                }
                grpc = code.value();
            }
            if (http == null && grpc == null) {
                throw f.error("abort", "no status (expected: httpStatus, grpcStatus or both)");
            }
            abort = new Fault.Abort(percent, http, grpc);
        }
        boolean header = f.bool("headerControlled", false);
        if (delay == null && abort == null && !header) {
            throw rule.error("fault", "nothing to inject (expected: delay, abort or headerControlled: true)");
        }
        return new Fault(delay, abort, header);
    }

    static RateLimit rateLimit(Fields parent) {
        Fields f = parent.object("rateLimit", "requestsPerSecond", "burst");
        int rps = f.integer("requestsPerSecond");
        if (rps <= 0) {
            throw f.error("requestsPerSecond", rps + " (expected: > 0)");
        }
        int burst = f.integer("burst", rps);
        if (burst < rps) {
            throw f.error("burst", burst + " (expected: >= requestsPerSecond " + rps + "; the bucket refills "
                    + rps + " tokens each second)");
        }
        return new RateLimit(rps, burst);
    }
}
