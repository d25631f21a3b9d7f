package dev.trellis.config.resource;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The retry policy of an HTTPRoute rule (Gateway API GEP-1731, extended with Envoy's retry conditions).
 *
 * @param attempts       retries after the first try
 * @param on             conditions that make a try retryable
 * @param codes          HTTP statuses retried (the condition retriable-status-codes)
 * @param grpcCodes      gRPC status codes retried; each {@link GrpcCode#retriable()}
 * @param backoff        the first backoff; doubled on each retry, with jitter, up to {@code maxBackoff}
 * @param nonIdempotent  also retry POST, PATCH and other non-idempotent requests
 * @param maxReplayBytes request bodies up to this size are kept for replay; larger requests are not retried
 */
public record Retry(
        int attempts,
        Set<Condition> on,
        List<Integer> codes,
        List<Integer> grpcCodes,
        Duration backoff,
        Duration maxBackoff,
        boolean nonIdempotent,
        int maxReplayBytes) {

    public static final Duration DEFAULT_BACKOFF = Duration.ofMillis(25);
    public static final int DEFAULT_ATTEMPTS = 2;
    public static final int DEFAULT_MAX_REPLAY_BYTES = 64 * 1024;

    /**
     * A rule without {@code retry}: connect failures and refused streams (never processed) twice, on another endpoint, as
     * Istio does; also resets before any response, for idempotent requests, so an instance dying mid-request costs
     * its callers nothing.
     */
    public static final Retry DEFAULT = new Retry(DEFAULT_ATTEMPTS, Set.of(Condition.CONNECT_FAILURE, Condition.REFUSED_STREAM, Condition.RESET),
            List.of(), List.of(), DEFAULT_BACKOFF, DEFAULT_BACKOFF.multipliedBy(10), false, DEFAULT_MAX_REPLAY_BYTES);

    /** No retries at all (the inbound route: its only endpoint is the local application). */
    public static final Retry NONE = new Retry(0, Set.of(), List.of(), List.of(), DEFAULT_BACKOFF,
            DEFAULT_BACKOFF.multipliedBy(10), false, DEFAULT_MAX_REPLAY_BYTES);

    public Retry {
        on = Set.copyOf(on);
        codes = List.copyOf(codes);
        grpcCodes = List.copyOf(grpcCodes);
        Objects.requireNonNull(backoff, "backoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
    }

    /** Envoy's retry_on names, which are also the YAML names. */
    public enum Condition {
        CONNECT_FAILURE, REFUSED_STREAM, RESET, SERVER_ERROR, GATEWAY_ERROR, RETRIABLE_STATUS_CODES;

        public String yamlName() {
            return this == SERVER_ERROR ? "5xx" : name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** null when the name is none of them. */
        public static Condition parse(String name) {
            for (Condition c : values()) {
                if (c.yamlName().equals(name)) {
                    return c;
                }
            }
            return null;
        }
    }
}
