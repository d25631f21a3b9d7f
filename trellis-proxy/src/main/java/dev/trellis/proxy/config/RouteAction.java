package dev.trellis.proxy.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Where a matched request goes, and the policies on the way.
 *
 * @param backends  weighted clusters; a request picks one in proportion to the weights (at least one,
 *                  weights &gt;= 0, total &gt; 0)
 * @param timeout   whole-request timeout (all attempts), {@link Duration#ZERO} for none
 * @param retry     retry policy ({@link RetryPolicy#DEFAULT} when none is configured)
 * @param fault     injected faults, or null
 * @param rateLimit local rate limit of this route, or null
 * @param headers   headers to change on the request and the response ({@link HeaderMutations#NONE} for none)
 * @param rewrite   the request's new path or Host, or null
 * @param mirrors   where copies of the requests also go (empty for none)
 * @param redirect  the redirect the sidecar answers with instead of sending the request on, or null; a route that
 *                  redirects has no backends
 */
public record RouteAction(List<WeightedCluster> backends, Duration timeout, RetryPolicy retry, FaultPolicy fault,
                          RateLimit rateLimit, HeaderMutations headers, RequestRewrite rewrite, List<MirrorPolicy> mirrors,
                          Redirect redirect) {

    public RouteAction(List<WeightedCluster> backends, Duration timeout) {
        this(backends, timeout, RetryPolicy.DEFAULT, null, null);
    }

    public RouteAction(List<WeightedCluster> backends, Duration timeout, RetryPolicy retry, FaultPolicy fault, RateLimit rateLimit) {
        this(backends, timeout, retry, fault, rateLimit, HeaderMutations.NONE, null, List.of(), null);
    }

    public RouteAction {
        backends = List.copyOf(backends);
        mirrors = List.copyOf(mirrors);
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(headers, "headers");
        if (redirect != null) {
            if (!backends.isEmpty()) {
                throw new IllegalArgumentException("backends: " + backends + " (expected: none with a redirect)");
            }
        } else {
            checkBackends(backends);
        }
    }

    private static void checkBackends(List<WeightedCluster> backends) {
        if (backends.isEmpty()) {
            throw new IllegalArgumentException("backends: [] (expected: at least one backend)");
        }
        long total = 0;
        for (WeightedCluster b : backends) {
            total += b.weight();
        }
        if (total <= 0) {
            throw new IllegalArgumentException("backends: total weight " + total + " (expected: > 0)");
        }
    }

    /** A route the sidecar answers with this redirect. */
    public static RouteAction redirect(Redirect redirect, RateLimit rateLimit, HeaderMutations headers) {
        return new RouteAction(List.of(), Duration.ZERO, RetryPolicy.NONE, null, rateLimit, headers, null, List.of(), redirect);
    }

    public static RouteAction to(String cluster) {
        return new RouteAction(List.of(new WeightedCluster(cluster, 1)), Duration.ZERO);
    }

    public record WeightedCluster(String cluster, int weight) {
        public WeightedCluster {
            Objects.requireNonNull(cluster, "cluster");
            if (weight < 0) {
                throw new IllegalArgumentException("weight: " + weight + " (expected: >= 0)");
            }
        }
    }
}
