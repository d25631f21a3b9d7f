package dev.trellis.proxy.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Faults injected on a route for chaos testing (Envoy's HTTP fault filter): a delay and/or an abort, each for a
 * percentage of requests. When {@code headerControlled}, a request may also ask for a fault itself with
 * {@code x-trellis-fault-delay: <ms>} or {@code x-trellis-fault-abort: <status>}.
 *
 * @param delay null for none
 * @param abort null for none
 */
public record FaultPolicy(Delay delay, Abort abort, boolean headerControlled) {

    public static final String DELAY_HEADER = "x-trellis-fault-delay";
    public static final String ABORT_HEADER = "x-trellis-fault-abort";

    public record Delay(double percent, Duration fixedDelay) {
        public Delay {
            Objects.requireNonNull(fixedDelay, "fixedDelay");
            checkPercent(percent);
        }
    }

    /** @param grpcStatus the gRPC status for gRPC requests, or null to derive it from the HTTP status */
    public record Abort(double percent, int httpStatus, Integer grpcStatus) {
        public Abort {
            checkPercent(percent);
            if (httpStatus < 200 || httpStatus > 599) {
                throw new IllegalArgumentException("httpStatus: " + httpStatus + " (expected: 200..599)");
            }
        }
    }

    static void checkPercent(double percent) {
        if (!(percent >= 0 && percent <= 100)) {
            throw new IllegalArgumentException("percent: " + percent + " (expected: 0..100)");
        }
    }
}
