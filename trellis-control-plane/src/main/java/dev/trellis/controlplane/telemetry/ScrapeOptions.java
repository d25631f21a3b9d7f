package dev.trellis.controlplane.telemetry;

import java.time.Duration;
import java.util.Objects;

/**
 * How the control plane scrapes proxies.
 *
 * @param interval  between two scrapes of one proxy
 * @param retention how long increases are kept: the longest window a query may ask for
 * @param timeout   for connecting to and answering one scrape
 */
public record ScrapeOptions(Duration interval, Duration retention, Duration timeout) {
    /** Overrides the default interval ("500ms", "2s", ...) where no --scrape-interval is given (tests set it). */
    public static final String INTERVAL_PROPERTY = "trellis.telemetry.scrapeInterval";
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(2);
    public static final Duration DEFAULT_RETENTION = Duration.ofMinutes(5);

    public ScrapeOptions {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(retention, "retention");
        Objects.requireNonNull(timeout, "timeout");
        if (interval.toMillis() <= 0) {
            throw new IllegalArgumentException("scrape interval: " + interval.toMillis() + "ms (expected: >= 1ms)");
        }
        if (retention.compareTo(interval) <= 0) {
            throw new IllegalArgumentException("retention: " + retention + " (expected: > interval " + interval + ")");
        }
        if (timeout.toMillis() <= 0) {
            throw new IllegalArgumentException("timeout: " + timeout + " (expected: >= 1ms)");
        }
    }

    public static ScrapeOptions of(Duration interval) {
        long t = Math.max(1000, Math.min(10_000, interval.toMillis()));
        return new ScrapeOptions(interval, DEFAULT_RETENTION, Duration.ofMillis(t));
    }

    /** The defaults, with {@value #INTERVAL_PROPERTY} when set. */
    public static ScrapeOptions defaults() {
        String v = System.getProperty(INTERVAL_PROPERTY);
        return of(v == null || v.isBlank() ? DEFAULT_INTERVAL : Durations.parse(INTERVAL_PROPERTY, v));
    }
}
