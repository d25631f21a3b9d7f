package dev.trellis.proxy.route;

import dev.trellis.proxy.config.Route;
import dev.trellis.proxy.config.RouteAction;
import dev.trellis.proxy.filter.ratelimit.TokenBucket;
import dev.trellis.proxy.config.RouteAction.WeightedCluster;
import dev.trellis.proxy.metrics.RoutePolicyCounters;
import dev.trellis.proxy.metrics.RouteStats;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** A route ready for the hot path: its matcher, a weighted backend picker and its metrics. */
public final class CompiledRoute {
    private final Route route;
    private final RequestMatcher matcher;
    private final String[] clusters;
    private final int[] cumulativeWeights;
    private final int totalWeight;
    private final long timeoutMillis;
    private final RouteStats stats;
    private final TokenBucket rateLimiter;
    private final RoutePolicyCounters policyCounters;

    CompiledRoute(Route route, RouteStats stats, RoutePolicyCounters policyCounters) {
        this.route = route;
        this.matcher = new RequestMatcher(route.match());
        List<WeightedCluster> backends = route.action().backends();
        this.clusters = new String[backends.size()];
        this.cumulativeWeights = new int[backends.size()];
        int sum = 0;
        for (int i = 0; i < backends.size(); i++) {
            clusters[i] = backends.get(i).cluster();
            sum += backends.get(i).weight();
            cumulativeWeights[i] = sum;
        }
        this.totalWeight = sum;
        Duration timeout = route.action().timeout();
        this.timeoutMillis = timeout.toMillis();
        this.stats = stats;
        this.policyCounters = policyCounters;
        this.rateLimiter = route.action().rateLimit() == null ? null : new TokenBucket(route.action().rateLimit(), System::nanoTime);
    }

    public RouteAction action() {
        return route.action();
    }

    /** The route's local rate limiter, or null. */
    public TokenBucket rateLimiter() {
        return rateLimiter;
    }

    public String name() {
        return route.name();
    }

    public Route route() {
        return route;
    }

    RequestMatcher matcher() {
        return matcher;
    }

    /** Picks a backend cluster in proportion to the weights. */
    public String pickCluster() {
        if (clusters.length == 1) {
            return clusters[0];
        }
        int r = ThreadLocalRandom.current().nextInt(totalWeight);
        for (int i = 0; i < cumulativeWeights.length; i++) {
            if (r < cumulativeWeights[i]) {
                return clusters[i];
            }
        }
        return clusters[clusters.length - 1];
    }

    /** 0 when the route has no timeout. */
    public long timeoutMillis() {
        return timeoutMillis;
    }

    public RouteStats stats() {
        return stats;
    }

    /** What this route's rate limit and fault injection count. */
    public RoutePolicyCounters policyCounters() {
        return policyCounters;
    }
}
