package dev.trellis.controlplane.ca;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How the certificate authority runs.
 *
 * @param directory       where the root (or the user-supplied CA) and the token key live
 * @param trustDomain     the SPIFFE trust domain of every identity it issues
 * @param defaultTtl      lifetime of a workload certificate when the request names none
 * @param maxTtl          the longest lifetime a request may ask for
 * @param rootTtl         lifetime of a root the CA generates itself
 * @param burst           certificates one identity may obtain back to back
 * @param refillEvery     after the burst, one more certificate per identity this often
 */
public record CaOptions(
        Path directory,
        String trustDomain,
        Duration defaultTtl,
        Duration maxTtl,
        Duration rootTtl,
        int burst,
        Duration refillEvery,
        Clock clock) {

    public static final String DEFAULT_TRUST_DOMAIN = "cluster.local";

    public CaOptions {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(trustDomain, "trustDomain");
        Objects.requireNonNull(clock, "clock");
        new SpiffeId(trustDomain, "ns", "sa"); // validates the trust domain
        positive("defaultTtl", defaultTtl);
        positive("maxTtl", maxTtl);
        positive("rootTtl", rootTtl);
        positive("refillEvery", refillEvery);
        if (defaultTtl.compareTo(maxTtl) > 0) {
            throw new IllegalArgumentException("defaultTtl: " + defaultTtl + " (expected: <= maxTtl " + maxTtl + ")");
        }
        if (burst <= 0) {
            throw new IllegalArgumentException("burst: " + burst + " (expected: > 0)");
        }
    }

    private static void positive(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
        }
    }

    public static Builder builder(Path directory) {
        return new Builder(directory);
    }

    public static final class Builder {
        private final Path directory;
        private String trustDomain = DEFAULT_TRUST_DOMAIN;
        private Duration defaultTtl = Duration.ofHours(24);
        private Duration maxTtl = Duration.ofDays(7);
        private Duration rootTtl = Duration.ofDays(3650);
        private int burst = 10;
        private Duration refillEvery = Duration.ofSeconds(6);
        private Clock clock = Clock.systemUTC();

        private Builder(Path directory) {
            this.directory = directory;
        }

        public Builder trustDomain(String v) { this.trustDomain = v; return this; }
        public Builder defaultTtl(Duration v) { this.defaultTtl = v; return this; }
        public Builder maxTtl(Duration v) { this.maxTtl = v; return this; }
        public Builder rootTtl(Duration v) { this.rootTtl = v; return this; }
        public Builder burst(int v) { this.burst = v; return this; }
        public Builder refillEvery(Duration v) { this.refillEvery = v; return this; }
        public Builder clock(Clock v) { this.clock = v; return this; }

        public CaOptions build() {
            Duration max = defaultTtl.compareTo(maxTtl) > 0 ? defaultTtl : maxTtl;
            return new CaOptions(directory, trustDomain, defaultTtl, max, rootTtl, burst, refillEvery, clock);
        }
    }
}
