package dev.trellis.controlplane.registry;

import dev.trellis.config.dns.HostResolver;
import dev.trellis.config.dns.ResolvedHosts;
import dev.trellis.config.resource.Service;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Discovery for services outside the mesh: the static endpoint hosts of Services that are DNS names are
 * resolved again and again (each every {@code spec.dnsRefresh}; a name several Services use, at the
 * shortest of their intervals), as Envoy's STRICT_DNS clusters. Resolving blocks, so it runs on one
 * daemon thread of its own, never on a gRPC or event-loop thread. A changed answer publishes a new
 * {@link #current()} and calls the listener; a failed one keeps the last good addresses and is logged
 * once until the name resolves again.
 */
public final class DnsRefresher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DnsRefresher.class);

    private final HostResolver resolver;
    private final Runnable onChange;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "trellis-dns");
        t.setDaemon(true);
        return t;
    });
    // guarded by this
    private final Map<String, Watch> watches = new HashMap<>();
    private final Map<String, List<String>> lastGood = new HashMap<>();
    private final Set<String> failing = new HashSet<>();
    private volatile ResolvedHosts current = ResolvedHosts.NONE;

    private record Watch(Duration interval, ScheduledFuture<?> task) {}

    /** @param onChange called (on the resolver thread) after {@link #current()} changed; must not block */
    public DnsRefresher(HostResolver resolver, Runnable onChange) {
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.onChange = Objects.requireNonNull(onChange, "onChange");
    }

    /** The configuration changed: watch exactly the DNS names these Services' endpoints use. */
    public synchronized void watch(List<Service> services) {
        Map<String, Duration> wanted = new HashMap<>();
        for (Service s : services) {
            for (Service.Endpoint e : s.endpoints()) {
                if (!ResolvedHosts.isIpLiteral(e.host())) {
                    wanted.merge(e.host(), s.dnsRefresh(), (a, b) -> a.compareTo(b) <= 0 ? a : b);
                }
            }
        }
        boolean dropped = false;
        for (var it = watches.entrySet().iterator(); it.hasNext(); ) {
            var entry = it.next();
            Duration interval = wanted.get(entry.getKey());
            if (!entry.getValue().interval().equals(interval)) {
                entry.getValue().task().cancel(false);
                it.remove();
                if (interval == null) {
                    failing.remove(entry.getKey());
                    dropped |= lastGood.remove(entry.getKey()) != null;
                }
            }
        }
        wanted.forEach((host, interval) -> watches.computeIfAbsent(host, h -> new Watch(interval,
                executor.scheduleWithFixedDelay(() -> refresh(h), 0, interval.toNanos(), TimeUnit.NANOSECONDS))));
        if (dropped) {
            current = new ResolvedHosts(lastGood);
            executor.execute(onChange);
        }
    }

    /** The last good addresses of every watched name that has resolved at least once. */
    public ResolvedHosts current() {
        return current;
    }

    private void refresh(String host) {
        List<String> addresses;
        Exception failure = null;
        try {
            addresses = new ArrayList<>(resolver.resolve(host));
            // sorted: a server rotating its answers (round-robin DNS) is no change worth an EDS push
            addresses.sort(null);
        } catch (Exception e) {
            addresses = List.of();
            failure = e;
        }
        synchronized (this) {
            if (!watches.containsKey(host)) {
                return; // no longer configured
            }
            if (addresses.isEmpty()) {
                if (failing.add(host)) {
                    List<String> kept = lastGood.get(host);
                    log.warn("resolving {} failed ({}); {}", host, failure == null ? "no addresses" : failure.toString(),
                            kept == null ? "the proxies resolve it when they connect" : "its last good addresses stay: " + kept);
                }
                return;
            }
            if (failing.remove(host)) {
                log.info("resolving {} works again: {}", host, addresses);
            }
            if (addresses.equals(lastGood.put(host, List.copyOf(addresses)))) {
                return;
            }
            current = new ResolvedHosts(lastGood);
        }
        onChange.run();
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
