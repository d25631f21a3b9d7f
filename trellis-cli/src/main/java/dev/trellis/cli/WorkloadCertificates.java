package dev.trellis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.format.DateTimeParseException;

/**
 * How soon before expiry a workload certificate is worth a warning. Workload certificates are short-lived on
 * purpose (the CA's default is a day) and a sidecar renews its own once 70% of the life it had left has passed,
 * so a healthy one always has at least 30% of its lifetime ahead. {@code --warn-before} (a week by default, meant
 * for roots and files an operator renews) would flag every one of them; for a certificate the CA issued,
 * the warning starts at the smaller of the two: a quarter of the CA's lifetime, by which renewal is overdue.
 */
final class WorkloadCertificates {
    private WorkloadCertificates() {}

    static Duration warnWithin(Duration warnBefore, Duration lifetime) {
        if (lifetime == null || lifetime.isZero() || lifetime.isNegative()) {
            return warnBefore;
        }
        Duration quarter = lifetime.dividedBy(4);
        return quarter.compareTo(warnBefore) < 0 ? quarter : warnBefore;
    }

    /** The CA's workload lifetime from {@code GET /api/v1/ca} ({@code defaultTtl}, ISO-8601), null when absent. */
    static Duration lifetime(JsonNode ca) {
        String ttl = ca.path("defaultTtl").asText("");
        try {
            return ttl.isEmpty() ? null : Duration.parse(ttl);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
