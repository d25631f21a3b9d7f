package dev.trellis.controlplane.telemetry;

import java.time.Instant;

/**
 * How scraping one proxy goes.
 *
 * @param lastScrape  the last successful scrape, null before the first
 * @param lastAttempt the last attempt, null before the first
 * @param error       why the last attempt failed, null when it succeeded
 * @param certificate the workload certificate the proxy reported, null when it reports none
 */
public record ScrapeStatus(Instant lastScrape, Instant lastAttempt, String error, Certificate certificate) {
    /** @param identity the SPIFFE ID when the proxy labels its expiry gauge with it, else null */
    public record Certificate(String identity, Instant notAfter) {}
}
