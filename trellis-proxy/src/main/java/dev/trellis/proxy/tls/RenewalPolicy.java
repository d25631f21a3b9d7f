package dev.trellis.proxy.tls;

import java.time.Duration;
import java.time.Instant;

/**
 * When to renew a certificate just received: after 70% of the life it has left, never sooner than a second.
 * Counted from receipt, not from notBefore: the CA backdates notBefore to absorb clock skew, which would
 * otherwise make a short-lived certificate look mostly spent on arrival.
 */
public final class RenewalPolicy {
    static final double FRACTION = 0.7;
    static final Duration MIN_DELAY = Duration.ofSeconds(1);

    private RenewalPolicy() {}

    public static Duration delay(Instant receivedAt, Instant notAfter) {
        long leftMillis = Duration.between(receivedAt, notAfter).toMillis();
        Duration d = Duration.ofMillis(Math.round(Math.max(0, leftMillis) * FRACTION));
        return d.compareTo(MIN_DELAY) < 0 ? MIN_DELAY : d;
    }
}
