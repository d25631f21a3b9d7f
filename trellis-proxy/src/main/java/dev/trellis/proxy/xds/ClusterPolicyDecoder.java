package dev.trellis.proxy.xds;

import com.google.protobuf.UInt32Value;
import dev.trellis.config.xds.XdsNames;
import dev.trellis.proxy.config.CircuitBreakers;
import dev.trellis.proxy.config.HealthCheck;
import dev.trellis.proxy.config.OutlierDetection;
import dev.trellis.proxy.config.RetryBudget;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.RoutingPriority;
import io.envoyproxy.envoy.type.v3.Int64Range;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * A cluster's resilience settings, with Envoy's meaning and defaults: circuit_breakers (the DEFAULT priority's
 * thresholds; each unset one 1024, max_retries 3), outlier_detection (absent: none; each detector on when its
 * enforcing_* is 100, off when 0; Envoy's defaults ejecting at most 10 %, and not on gateway errors unless
 * enforcing_consecutive_gateway_failure says so), common_lb_config.healthy_panic_threshold (50 %), one HTTP
 * health check, and the retry budget from filter metadata trellis.retryBudget (Envoy has no rate-based budget).
 */
final class ClusterPolicyDecoder {
    private static final String TYPE = ClusterDecoder.TYPE;
    private static final int ENVOY_MAX_EJECTION_PERCENT = 10;
    private static final int ENVOY_SUCCESS_RATE_MINIMUM_HOSTS = 5;
    private static final int ENVOY_SUCCESS_RATE_REQUEST_VOLUME = 100;
    private static final int ENVOY_SUCCESS_RATE_STDEV_FACTOR = 1900;
    private static final int ENVOY_CONSECUTIVE = 5;
    private static final int ENVOY_PANIC_THRESHOLD = 50;

    private ClusterPolicyDecoder() {}

    static CircuitBreakers circuitBreakers(Cluster c) {
        String name = c.getName();
        var breakers = c.getCircuitBreakers();
        if (breakers.getPerHostThresholdsCount() > 0) {
            throw new XdsResourceException(TYPE, name, "circuit_breakers.per_host_thresholds: set (expected: none; not supported)");
        }
        io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers.Thresholds t = null;
        for (int i = 0; i < breakers.getThresholdsCount(); i++) {
            var threshold = breakers.getThresholds(i);
            if (threshold.getPriority() != RoutingPriority.DEFAULT) {
                continue; // no route asks for HIGH priority, so its thresholds never apply
            }
            if (t != null) {
                throw new XdsResourceException(TYPE, name, "circuit_breakers.thresholds[" + i
                        + "].priority: DEFAULT (expected: one threshold per priority)");
            }
            if (threshold.hasRetryBudget()) {
                throw new XdsResourceException(TYPE, name, "circuit_breakers.thresholds[" + i + "].retry_budget: set (expected: none; "
                        + "the retry budget is metadata filter_metadata.trellis." + XdsNames.KEY_RETRY_BUDGET + ")");
            }
            t = threshold;
        }
        if (t == null) {
            return CircuitBreakers.DEFAULT;
        }
        CircuitBreakers d = CircuitBreakers.DEFAULT;
        var threshold = t;
        return build(name, "circuit_breakers.thresholds", () -> new CircuitBreakers(
                capped(threshold.hasMaxConnections(), threshold.getMaxConnections(), d.maxConnections()),
                capped(threshold.hasMaxPendingRequests(), threshold.getMaxPendingRequests(), d.maxPendingRequests()),
                capped(threshold.hasMaxRequests(), threshold.getMaxRequests(), d.maxRequests()),
                capped(threshold.hasMaxRetries(), threshold.getMaxRetries(), d.maxRetries())));
    }

    /** null when the cluster has no outlier_detection, as in Envoy. */
    static OutlierDetection outlierDetection(Cluster c) {
        if (!c.hasOutlierDetection()) {
            return null;
        }
        String name = c.getName();
        var o = c.getOutlierDetection();
        if (o.getSplitExternalLocalOriginErrors() || o.getMonitorsCount() > 0
                || enforcing(name, "enforcing_failure_percentage", o.hasEnforcingFailurePercentage(), o.getEnforcingFailurePercentage(), 0)
                || enforcing(name, "enforcing_failure_percentage_local_origin", o.hasEnforcingFailurePercentageLocalOrigin(),
                        o.getEnforcingFailurePercentageLocalOrigin(), 0)) {
            throw new XdsResourceException(TYPE, name, "outlier_detection: failure percentage, local origin or monitors set"
                    + " (expected: consecutive 5xx, consecutive gateway failures and success rate only)");
        }
        boolean on5xx = enforcing(name, "enforcing_consecutive_5xx", o.hasEnforcingConsecutive5Xx(), o.getEnforcingConsecutive5Xx(), 100);
        boolean onGateway = enforcing(name, "enforcing_consecutive_gateway_failure", o.hasEnforcingConsecutiveGatewayFailure(),
                o.getEnforcingConsecutiveGatewayFailure(), 0);
        boolean onSuccessRate = enforcing(name, "enforcing_success_rate", o.hasEnforcingSuccessRate(), o.getEnforcingSuccessRate(), 100);
        int consecutive5xx = on5xx ? capped(o.hasConsecutive5Xx(), o.getConsecutive5Xx(), ENVOY_CONSECUTIVE) : 0;
        int gateway = onGateway ? capped(o.hasConsecutiveGatewayFailure(), o.getConsecutiveGatewayFailure(), ENVOY_CONSECUTIVE) : 0;
        // an explicit minimum of 0 hosts still means "on"; the record's 0 means off
        int minimumHosts = onSuccessRate
                ? Math.max(1, capped(o.hasSuccessRateMinimumHosts(), o.getSuccessRateMinimumHosts(), ENVOY_SUCCESS_RATE_MINIMUM_HOSTS)) : 0;
        int volume = capped(o.hasSuccessRateRequestVolume(), o.getSuccessRateRequestVolume(), ENVOY_SUCCESS_RATE_REQUEST_VOLUME);
        double stdev = capped(o.hasSuccessRateStdevFactor(), o.getSuccessRateStdevFactor(), ENVOY_SUCCESS_RATE_STDEV_FACTOR) / 1000.0;
        Duration interval = o.hasInterval() ? Durations.of(o.getInterval(), TYPE, name, "outlier_detection.interval") : Duration.ofSeconds(10);
        Duration base = o.hasBaseEjectionTime()
                ? Durations.of(o.getBaseEjectionTime(), TYPE, name, "outlier_detection.base_ejection_time") : Duration.ofSeconds(30);
        int maxEjection = capped(o.hasMaxEjectionPercent(), o.getMaxEjectionPercent(), ENVOY_MAX_EJECTION_PERCENT);
        int panic = panicThreshold(c);
        return build(name, "outlier_detection", () -> new OutlierDetection(consecutive5xx, gateway, interval, base, maxEjection,
                minimumHosts, volume, stdev, panic));
    }

    private static int panicThreshold(Cluster c) {
        if (!c.getCommonLbConfig().hasHealthyPanicThreshold()) {
            return ENVOY_PANIC_THRESHOLD;
        }
        double v = c.getCommonLbConfig().getHealthyPanicThreshold().getValue();
        if (v != Math.rint(v) || v < 0 || v > 100) {
            throw new XdsResourceException(TYPE, c.getName(), "common_lb_config.healthy_panic_threshold: " + v
                    + " (expected: a whole percentage 0..100)");
        }
        return (int) v;
    }

    /** null when the cluster has no health check. */
    static HealthCheck healthCheck(Cluster c) {
        String name = c.getName();
        if (c.getHealthChecksCount() == 0) {
            return null;
        }
        if (c.getHealthChecksCount() > 1) {
            throw new XdsResourceException(TYPE, name, "health_checks: " + c.getHealthChecksCount() + " (expected: at most one)");
        }
        var h = c.getHealthChecks(0);
        if (!h.hasHttpHealthCheck()) {
            throw new XdsResourceException(TYPE, name, "health_checks[0]: " + h.getHealthCheckerCase() + " (expected: http_health_check)");
        }
        var http = h.getHttpHealthCheck();
        if (http.getPath().isEmpty()) {
            throw new XdsResourceException(TYPE, name, "health_checks[0].http_health_check.path: \"\" (expected: a path)");
        }
        List<HealthCheck.StatusRange> expected = http.getExpectedStatusesCount() == 0 ? HealthCheck.OK_ONLY
                : statusRanges(http.getExpectedStatusesList(), name, "health_checks[0].http_health_check.expected_statuses");
        List<HealthCheck.StatusRange> retriable =
                statusRanges(http.getRetriableStatusesList(), name, "health_checks[0].http_health_check.retriable_statuses");
        Duration timeout = positive(h.hasTimeout(), h.getTimeout(), name, "health_checks[0].timeout");
        Duration interval = positive(h.hasInterval(), h.getInterval(), name, "health_checks[0].interval");
        if (!h.hasUnhealthyThreshold() || !h.hasHealthyThreshold()) {
            throw new XdsResourceException(TYPE, name, "health_checks[0]: unhealthy_threshold and healthy_threshold (expected: both set)");
        }
        int unhealthy = capped(true, h.getUnhealthyThreshold(), 0);
        int healthy = capped(true, h.getHealthyThreshold(), 0);
        return build(name, "health_checks[0]", () -> new HealthCheck(http.getPath(), interval, timeout, unhealthy, healthy,
                expected, retriable));
    }

    /** Envoy's Int64Range list: each [start, end) within [100, 600). */
    private static List<HealthCheck.StatusRange> statusRanges(List<Int64Range> ranges, String name, String field) {
        List<HealthCheck.StatusRange> out = new ArrayList<>(ranges.size());
        for (int i = 0; i < ranges.size(); i++) {
            Int64Range r = ranges.get(i);
            if (r.getStart() < 100 || r.getEnd() > 600 || r.getStart() >= r.getEnd()) {
                throw new XdsResourceException(TYPE, name, field + "[" + i + "]: [" + r.getStart() + ", " + r.getEnd()
                        + ") (expected: a non-empty range within [100, 600))");
            }
            out.add(new HealthCheck.StatusRange((int) r.getStart(), (int) r.getEnd()));
        }
        return out;
    }

    static RetryBudget retryBudget(Cluster c) {
        String name = c.getName();
        StructFields f = new StructFields(TrellisMetadata.struct(c.getMetadata(), XdsNames.KEY_RETRY_BUDGET), TYPE, name,
                "metadata.filter_metadata.trellis." + XdsNames.KEY_RETRY_BUDGET);
        RetryBudget d = RetryBudget.DEFAULT;
        Duration window = d.window();
        String text = f.string(XdsNames.KEY_WINDOW);
        if (text != null) {
            try {
                var parsed = com.google.protobuf.util.Durations.parse(text);
                window = Duration.ofSeconds(parsed.getSeconds(), parsed.getNanos());
            } catch (ParseException e) {
                throw new XdsResourceException(TYPE, name, "metadata.filter_metadata.trellis." + XdsNames.KEY_RETRY_BUDGET + "."
                        + XdsNames.KEY_WINDOW + ": \"" + text + "\" (expected: a duration like \"10s\")");
            }
        }
        double ratio = f.number(XdsNames.KEY_RATIO, d.ratio(), 0, 1000);
        int min = f.integer(XdsNames.KEY_MIN_RETRIES_PER_SECOND, d.minRetriesPerSecond(), 0, Integer.MAX_VALUE);
        Duration w = window;
        return build(name, "metadata.filter_metadata.trellis." + XdsNames.KEY_RETRY_BUDGET, () -> new RetryBudget(ratio, min, w));
    }

    /** An enforcing_* percentage: 100 is on, 0 is off; the probabilistic values in between are not supported. */
    private static boolean enforcing(String name, String field, boolean has, UInt32Value value, int fallback) {
        int v = has ? value.getValue() : fallback;
        if (v != 0 && v != 100) {
            throw new XdsResourceException(TYPE, name, "outlier_detection." + field + ": " + Integer.toUnsignedString(v)
                    + " (expected: 0 or 100)");
        }
        return v == 100;
    }

    /** An unsigned value, or the fallback when unset; above 2^31-1 (Istio's "unlimited" 2^32-1) as good as unlimited. */
    private static int capped(boolean has, UInt32Value value, int fallback) {
        return has ? (int) Math.min(Integer.MAX_VALUE, Integer.toUnsignedLong(value.getValue())) : fallback;
    }

    private static Duration positive(boolean has, com.google.protobuf.Duration d, String name, String field) {
        Duration out = has ? Durations.of(d, TYPE, name, field) : Duration.ZERO;
        if (out.isZero()) {
            throw new XdsResourceException(TYPE, name, field + ": " + (has ? "0s" : "missing") + " (expected: > 0)");
        }
        return out;
    }

    /** The record's own validation, reported as this cluster's field. */
    private static <T> T build(String name, String field, Supplier<T> record) {
        try {
            return record.get();
        } catch (IllegalArgumentException e) {
            throw new XdsResourceException(TYPE, name, field + ": " + e.getMessage());
        }
    }
}
