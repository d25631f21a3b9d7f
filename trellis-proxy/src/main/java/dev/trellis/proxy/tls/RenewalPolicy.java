package dev.trellis.proxy.tls;

import java.time.Duration;
import java.time.Instant;

/** When to renew a certificate: at 70% of its lifetime, never sooner than a second from now. */
public final class RenewalPolicy {
    static final double FRACTION = 0.7;
    static final Duration MIN_DELAY = Duration.ofSeconds(1);

    private RenewalPolicy() {}

    public static Instant renewAt(Instant notBefore, Instant notAfter) {
        long lifetimeMillis = Math.max(0, Duration.between(notBefore, notAfter).toMillis());
        return notBefore.plusMillis((long) (lifetimeMillis * FRACTION));
    }

    public static Duration delay(Instant now, Instant notBefore, Instant notAfter) {
        Duration d = Duration.between(now, renewAt(notBefore, notAfter));
        return d.compareTo(MIN_DELAY) < 0 ? MIN_DELAY : d;
    }
}
