package dev.trellis.config.load;

import dev.trellis.config.resource.TrafficPolicy;
import dev.trellis.config.resource.TrafficPolicy.CircuitBreakers;
import dev.trellis.config.resource.TrafficPolicy.HealthCheck;
import dev.trellis.config.resource.TrafficPolicy.LoadBalancer;
import dev.trellis.config.resource.TrafficPolicy.OutlierDetection;
import dev.trellis.config.resource.TrafficPolicy.RetryBudget;
import dev.trellis.config.resource.TrafficPolicy.SuccessRate;
import dev.trellis.config.yaml.Fields;
import dev.trellis.config.yaml.GatewayDuration;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** Reads the spec of a DestinationPolicy; every field left out takes its default ({@link TrafficPolicy#DEFAULT}). */
final class TrafficPolicyReader {
    private static final int MAX = Integer.MAX_VALUE;

    private TrafficPolicyReader() {}

    static TrafficPolicy read(Fields spec) {
        TrafficPolicy d = TrafficPolicy.DEFAULT;
        LoadBalancer lb = d.loadBalancer();
        if (spec.has("loadBalancer")) {
            Fields f = spec.object("loadBalancer", "policy");
            String text = f.string("policy");
            lb = Arrays.stream(LoadBalancer.values()).filter(p -> p.name().equals(text)).findFirst()
                    .orElseThrow(() -> f.invalid("policy", Arrays.stream(LoadBalancer.values()).map(Enum::name)
                            .collect(Collectors.joining(", "))));
        }
        return new TrafficPolicy(lb,
                spec.positiveDuration("connectTimeout", d.connectTimeout()),
                spec.positiveDuration("idleTimeout", d.idleTimeout()),
                spec.has("circuitBreakers") ? circuitBreakers(spec) : d.circuitBreakers(),
                spec.has("outlierDetection") ? outlierDetection(spec) : d.outlierDetection(),
                spec.has("retryBudget") ? retryBudget(spec) : d.retryBudget(),
                spec.has("healthCheck") ? healthCheck(spec) : null);
    }

    private static CircuitBreakers circuitBreakers(Fields spec) {
        Fields f = spec.object("circuitBreakers", "maxConnections", "maxPendingRequests", "maxRequests", "maxRetries");
        CircuitBreakers d = CircuitBreakers.DEFAULT;
        return new CircuitBreakers(
                f.integer("maxConnections", d.maxConnections(), 1, MAX),
                f.integer("maxPendingRequests", d.maxPendingRequests(), 1, MAX),
                f.integer("maxRequests", d.maxRequests(), 1, MAX),
                f.integer("maxRetries", d.maxRetries(), 1, MAX));
    }

    /** null when {@code enabled: false}. */
    private static OutlierDetection outlierDetection(Fields spec) {
        Fields f = spec.object("outlierDetection", "enabled", "consecutive5xx", "consecutiveGatewayErrors", "interval",
                "baseEjectionTime", "maxEjectionPercent", "panicThresholdPercent", "successRate");
        if (!f.bool("enabled", true)) {
            List<String> others = f.keys().stream().filter(k -> !k.equals("enabled")).toList();
            if (!others.isEmpty()) {
                throw f.error(others.get(0), "set with enabled: false (expected: no other field when disabled)");
            }
            return null;
        }
        OutlierDetection d = OutlierDetection.DEFAULT;
        Duration interval = outlierInterval(f, d.interval());
        SuccessRate successRate = null;
        if (f.has("successRate")) {
            Fields s = f.object("successRate", "minimumHosts", "requestVolume", "stdevFactor");
            SuccessRate sd = SuccessRate.DEFAULT;
            successRate = new SuccessRate(
                    s.integer("minimumHosts", sd.minimumHosts(), 1, MAX),
                    s.integer("requestVolume", sd.requestVolume(), 1, MAX),
                    s.number("stdevFactor", sd.stdevFactor(), 0.001, 100));
        }
        return new OutlierDetection(
                f.integer("consecutive5xx", d.consecutive5xx(), 0, MAX),
                f.integer("consecutiveGatewayErrors", d.consecutiveGatewayErrors(), 0, MAX),
                interval,
                f.positiveDuration("baseEjectionTime", d.baseEjectionTime()),
                f.integer("maxEjectionPercent", d.maxEjectionPercent(), 0, 100),
                f.integer("panicThresholdPercent", d.panicThresholdPercent(), 0, 100),
                successRate);
    }

    /** How often outlier detection runs: at least every 10 ms, as Envoy requires. */
    static Duration outlierInterval(Fields f, Duration fallback) {
        Duration interval = f.positiveDuration("interval", fallback);
        if (interval.toMillis() < 10) {
            throw f.error("interval", GatewayDuration.format(interval) + " (expected: >= 10ms)");
        }
        return interval;
    }

    private static RetryBudget retryBudget(Fields spec) {
        Fields f = spec.object("retryBudget", "ratio", "minRetriesPerSecond", "window");
        RetryBudget d = RetryBudget.DEFAULT;
        Duration window = f.positiveDuration("window", d.window());
        if (window.compareTo(Duration.ofSeconds(1)) < 0 || window.compareTo(Duration.ofSeconds(60)) > 0 || window.toMillis() % 1000 != 0) {
            // the budget keeps one slot per second of the window
            throw f.error("window", GatewayDuration.format(window) + " (expected: whole seconds, 1s..60s)");
        }
        return new RetryBudget(
                f.number("ratio", d.ratio(), 0, 1000),
                f.integer("minRetriesPerSecond", d.minRetriesPerSecond(), 0, MAX),
                window);
    }

    private static HealthCheck healthCheck(Fields spec) {
        Fields f = spec.object("healthCheck", "path", "interval", "timeout", "unhealthyThreshold", "healthyThreshold",
                "expectedStatuses");
        String path = f.string("path");
        if (!path.startsWith("/") || path.chars().anyMatch(c -> c <= ' ' || c == '#')) {
            throw f.invalid("path", "a request path starting with /");
        }
        Duration interval = f.positiveDuration("interval", HealthCheck.DEFAULT_INTERVAL);
        Duration timeout = f.positiveDuration("timeout", HealthCheck.DEFAULT_TIMEOUT);
        if (timeout.compareTo(interval) > 0) {
            throw f.error(f.has("timeout") ? "timeout" : "interval", "timeout " + GatewayDuration.format(timeout)
                    + " > interval " + GatewayDuration.format(interval) + " (expected: timeout <= interval)");
        }
        return new HealthCheck(path, interval, timeout,
                f.integer("unhealthyThreshold", HealthCheck.DEFAULT_UNHEALTHY_THRESHOLD, 1, MAX),
                f.integer("healthyThreshold", HealthCheck.DEFAULT_HEALTHY_THRESHOLD, 1, MAX),
                expectedStatuses(f));
    }

    private static List<Integer> expectedStatuses(Fields f) {
        if (!f.has("expectedStatuses")) {
            return HealthCheck.DEFAULT_EXPECTED_STATUSES;
        }
        List<Fields.Item> items = f.list("expectedStatuses");
        if (items.isEmpty()) {
            throw f.error("expectedStatuses", "[] (expected: at least one status)");
        }
        List<Integer> statuses = new java.util.ArrayList<>();
        for (Fields.Item item : items) {
            int status = item.integer();
            if (status < 100 || status > 599) {
                throw item.invalid("an HTTP status 100..599");
            }
            if (statuses.contains(status)) {
                throw item.invalid("each status once");
            }
            statuses.add(status);
        }
        return statuses;
    }
}
