package dev.trellis.proxy.config;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * When and how a failed attempt is tried again, on another endpoint (Envoy's route retry_policy).
 *
 * @param maxRetries        retries after the first attempt
 * @param retryOn           conditions that make an attempt retryable
 * @param statusCodes       HTTP statuses retried under {@link RetryOn#RETRIABLE_STATUS_CODES}
 * @param grpcCodes         gRPC status codes retried (trailers-only responses, as Envoy)
 * @param baseBackoff       first backoff; each retry doubles it, with full jitter, up to {@code maxBackoff}
 * @param perTryTimeout     timeout of one attempt, {@link Duration#ZERO} for none
 * @param retryNonIdempotent also retry POST/PATCH and other non-idempotent methods
 * @param maxReplayBytes    request bodies up to this size are kept for replay; larger ones are not retried
 */
public record RetryPolicy(
        int maxRetries,
        Set<RetryOn> retryOn,
        Set<Integer> statusCodes,
        Set<Integer> grpcCodes,
        Duration baseBackoff,
        Duration maxBackoff,
        Duration perTryTimeout,
        boolean retryNonIdempotent,
        int maxReplayBytes) {

    public enum RetryOn { CONNECT_FAILURE, REFUSED_STREAM, RESET, SERVER_ERROR, GATEWAY_ERROR, RETRIABLE_STATUS_CODES }

    public static final int DEFAULT_MAX_REPLAY_BYTES = 64 * 1024;

    /**
     * With no policy configured: connect failures and refused streams (never processed) are retried on another endpoint,
     * twice, as Istio does; so are resets before any response byte, for idempotent requests only, so that an instance
     * dying with requests in flight costs its callers nothing.
     */
    public static final RetryPolicy DEFAULT = new RetryPolicy(2, Set.of(RetryOn.CONNECT_FAILURE, RetryOn.REFUSED_STREAM, RetryOn.RESET),
            Set.of(), Set.of(), Duration.ofMillis(25), Duration.ofMillis(250), Duration.ZERO, false, DEFAULT_MAX_REPLAY_BYTES);

    public static final RetryPolicy NONE = new RetryPolicy(0, Set.of(), Set.of(), Set.of(), Duration.ofMillis(25),
            Duration.ofMillis(250), Duration.ZERO, false, DEFAULT_MAX_REPLAY_BYTES);

    public RetryPolicy {
        // an EnumSet: asked about every response, it answers with a bit test
        retryOn = Collections.unmodifiableSet(retryOn.isEmpty() ? EnumSet.noneOf(RetryOn.class) : EnumSet.copyOf(retryOn));
        statusCodes = Set.copyOf(statusCodes);
        grpcCodes = Set.copyOf(grpcCodes);
        Objects.requireNonNull(baseBackoff, "baseBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(perTryTimeout, "perTryTimeout");
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries: " + maxRetries + " (expected: >= 0)");
        }
        if (baseBackoff.isNegative() || baseBackoff.isZero()) {
            throw new IllegalArgumentException("baseBackoff: " + baseBackoff + " (expected: > 0)");
        }
        if (maxBackoff.compareTo(baseBackoff) < 0) {
            throw new IllegalArgumentException("maxBackoff: " + maxBackoff + " (expected: >= baseBackoff " + baseBackoff + ")");
        }
        if (maxReplayBytes < 0) {
            throw new IllegalArgumentException("maxReplayBytes: " + maxReplayBytes + " (expected: >= 0)");
        }
    }
}
