package dev.trellis.config.resource;

import java.time.Duration;
import java.util.Objects;

/**
 * Faults an HTTPRoute rule injects, for chaos testing (Envoy's HTTP fault filter, Istio's fault injection).
 *
 * @param delay            null for none
 * @param abort            null for none
 * @param headerControlled a request may also ask for a delay or an abort itself, with a header
 */
public record Fault(Delay delay, Abort abort, boolean headerControlled) {

    /** @param percent of requests, 0..100 */
    public record Delay(double percent, Duration fixedDelay) {
        public Delay {
            Objects.requireNonNull(fixedDelay, "fixedDelay");
        }
    }

    /**
     * At least one status is given.
     *
     * @param percent    of requests, 0..100
     * @param httpStatus the answer's HTTP status, or null
     * @param grpcStatus the answer's gRPC status for gRPC requests, or null
     */
    public record Abort(double percent, Integer httpStatus, Integer grpcStatus) {
        public Abort {
            if (httpStatus == null && grpcStatus == null) {
                throw new IllegalArgumentException("abort: no status (expected: httpStatus or grpcStatus)");
            }
        }
    }
}
