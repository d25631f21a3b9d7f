package dev.trellis.proxy.upstream.health;

import dev.trellis.proxy.config.ClusterConfig;
import dev.trellis.proxy.config.Endpoint;
import dev.trellis.proxy.config.EndpointSet;
import dev.trellis.proxy.config.HealthCheck;
import dev.trellis.proxy.upstream.pool.Connector;
import io.netty.channel.EventLoop;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Active health of one cluster's endpoints (Envoy's HTTP health checker): each endpoint is sent {@code GET path}
 * every interval, from one event loop, on a connection of the checker's own (never counted against the cluster's
 * limits). Every event loop's balancer reads the published statuses lock-free and rebuilds when {@link #version()}
 * moves.
 *
 * <p>As in Envoy, an endpoint is out of the rotation until its first check passes (one success suffices then); a
 * healthy endpoint goes out at once on an unexpected status, or after {@code unhealthyThreshold} failures in a row of
 * other kinds (timeout, connect failure, reset, retriable status); an unhealthy one comes back after
 * {@code healthyThreshold} successes in a row.
 */
public final class HealthChecker {
    public enum Status { PENDING, HEALTHY, UNHEALTHY }

    private final String cluster;
    private final HealthCheck config;
    private final LongAdder successes;
    private final LongAdder failures;
    private final AtomicInteger version = new AtomicInteger();
    private volatile Map<String, Status> statuses;
    /** Confined to {@link #loop} once started. */
    private final Map<String, EndpointChecks> endpoints = new HashMap<>();
    private volatile EventLoop loop;
    private Connector connector;
    private ClusterConfig clusterConfig;
    private boolean stopped;

    /** @param previous the checker this one replaces (its statuses carry over), or null */
    public HealthChecker(String cluster, HealthCheck config, LongAdder successes, LongAdder failures, HealthChecker previous) {
        this.cluster = cluster;
        this.config = config;
        this.successes = successes;
        this.failures = failures;
        this.statuses = previous == null ? Map.of() : previous.statuses;
    }

    public HealthCheck config() {
        return config;
    }

    /** Moves whenever an endpoint goes out of or comes back into the rotation. */
    public int version() {
        return version.get();
    }

    /** Whether the endpoint passed its checks; one never checked yet is out. */
    public boolean inRotation(String authority) {
        return statuses.get(authority) == Status.HEALTHY;
    }

    public int healthyCount() {
        int n = 0;
        for (Status s : statuses.values()) {
            n += s == Status.HEALTHY ? 1 : 0;
        }
        return n;
    }

    /** Every endpoint checked and its status, for the config dump. */
    public Map<String, Status> statuses() {
        return statuses;
    }

    /** Runs the checks on {@code loop} from now on; a second call does nothing. */
    public synchronized void start(EventLoop loop, Connector connector) {
        if (this.loop == null) {
            this.connector = connector;
            this.loop = loop;
        }
    }

    /** Checks exactly these endpoints from now on (call after {@link #start}). */
    public void update(ClusterConfig cluster, EndpointSet set) {
        loop.execute(() -> reconcile(cluster, set));
    }

    public void stop() {
        EventLoop l = loop;
        if (l != null) {
            l.execute(() -> {
                stopped = true;
                endpoints.values().forEach(EndpointChecks::close);
                endpoints.clear();
            });
        }
    }

    private void reconcile(ClusterConfig cluster, EndpointSet set) {
        if (stopped) {
            return;
        }
        clusterConfig = cluster;
        Map<String, Endpoint> wanted = new LinkedHashMap<>();
        for (Endpoint e : set.endpoints()) {
            wanted.put(e.authority(), e);
        }
        endpoints.entrySet().removeIf(entry -> {
            Endpoint e = wanted.get(entry.getKey());
            if (e == null || !e.equals(entry.getValue().endpoint())) {
                entry.getValue().close();
                return true;
            }
            return false;
        });
        Map<String, Status> before = statuses;
        for (Endpoint e : wanted.values()) {
            if (!endpoints.containsKey(e.authority())) {
                EndpointChecks checks = new EndpointChecks(this, loop, connector, e,
                        before.getOrDefault(e.authority(), Status.PENDING));
                endpoints.put(e.authority(), checks);
                checks.probeNow();
            }
        }
        publish();
    }

    ClusterConfig clusterConfig() {
        return clusterConfig;
    }

    String clusterName() {
        return cluster;
    }

    boolean stopped() {
        return stopped;
    }

    /** A check's outcome; {@code status} 0 means no answer (timeout, connect failure, reset). */
    void onResult(EndpointChecks e, int status) {
        boolean ok = status != 0 && config.expected(status);
        (ok ? successes : failures).increment();
        Status was = e.status();
        e.record(ok, ok ? nextOnSuccess(e) : nextOnFailure(e, status));
        if (e.status() != was) {
            publish();
        }
    }

    private Status nextOnSuccess(EndpointChecks e) {
        if (e.status() == Status.PENDING || e.successesInRow() + 1 >= config.healthyThreshold()) {
            return Status.HEALTHY;
        }
        return e.status();
    }

    private Status nextOnFailure(EndpointChecks e, int status) {
        boolean atOnce = status != 0 && !config.retriable(status);
        if (e.status() == Status.PENDING || atOnce || e.failuresInRow() + 1 >= config.unhealthyThreshold()) {
            return Status.UNHEALTHY;
        }
        return e.status();
    }

    private void publish() {
        Map<String, Status> next = new LinkedHashMap<>();
        endpoints.forEach((authority, e) -> next.put(authority, e.status()));
        if (!next.equals(statuses)) {
            statuses = Map.copyOf(next);
            version.incrementAndGet();
        }
    }
}
