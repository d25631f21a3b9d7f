package dev.trellis.controlplane.xds;

import dev.trellis.config.ResourceSet;
import dev.trellis.config.dns.ResolvedHosts;
import dev.trellis.config.xds.Instance;
import dev.trellis.config.xds.ProxyNode;
import dev.trellis.config.xds.XdsResources;
import dev.trellis.config.xds.XdsTranslator;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one xDS snapshot per connected node group up to date: translates the configuration in force plus
 * the registry for the group and sets it in the cache, which answers the group's open watches (clusters,
 * endpoints, listeners, then routes). Versions are per resource type and content-derived, so a change
 * pushes only the types it touched. Change notifications are coalesced: a burst of registrations costs one
 * translation per group.
 */
public final class SnapshotPublisher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SnapshotPublisher.class);

    private final SimpleCache<NodeKey> cache;
    private final Supplier<ResourceSet> resources;
    private final Supplier<List<Instance>> instances;
    private final Supplier<ResolvedHosts> dns;
    private volatile Supplier<List<Secret>> secrets = List::of;
    private final Map<NodeKey, Integer> groups = new ConcurrentHashMap<>();
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "trellis-xds-publisher");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean pending = new AtomicBoolean();
    private final ResourceInterner interner = new ResourceInterner();
    private final AtomicLong publishes = new AtomicLong();
    private volatile long lastPublishNanos;

    public SnapshotPublisher(SimpleCache<NodeKey> cache, Supplier<ResourceSet> resources, Supplier<List<Instance>> instances) {
        this(cache, resources, instances, () -> ResolvedHosts.NONE);
    }

    /** @param dns the last good addresses of endpoint hosts that are DNS names */
    public SnapshotPublisher(SimpleCache<NodeKey> cache, Supplier<ResourceSet> resources, Supplier<List<Instance>> instances,
                             Supplier<ResolvedHosts> dns) {
        this.cache = Objects.requireNonNull(cache, "cache");
        this.resources = Objects.requireNonNull(resources, "resources");
        this.instances = Objects.requireNonNull(instances, "instances");
        this.dns = Objects.requireNonNull(dns, "dns");
    }

    /**
     * The SDS secrets every group is served (the trust bundle {@code ROOTCA}); call {@link #changed()} when
     * they change. Set before the first stream joins.
     */
    public void secrets(Supplier<List<Secret>> secrets) {
        this.secrets = Objects.requireNonNull(secrets, "secrets");
    }

    /** A stream of this group opened: make sure it has a snapshot before its first watch. */
    public synchronized void join(NodeKey key) {
        int streams = groups.merge(key, 1, Integer::sum);
        if (streams == 1 || cache.getSnapshot(key) == null) {
            publish(key, resources.get(), instances.get(), dns.get());
        }
    }

    /** A stream of this group closed; the last one out drops the group's snapshot. */
    public synchronized void leave(NodeKey key) {
        Integer left = groups.computeIfPresent(key, (k, n) -> n > 1 ? n - 1 : null);
        if (left == null) {
            cache.clearSnapshot(key);
        }
    }

    /** Something changed: republish every group soon (coalescing bursts). */
    public void changed() {
        if (pending.compareAndSet(false, true)) {
            executor.execute(() -> {
                pending.set(false);
                try {
                    publishAll();
                } catch (RuntimeException e) {
                    log.error("publishing xDS snapshots failed", e);
                }
            });
        }
    }

    /** Republishes every group now. */
    public synchronized void publishAll() {
        long start = System.nanoTime();
        ResourceSet r = resources.get();
        List<Instance> i = instances.get();
        ResolvedHosts d = dns.get();
        for (NodeKey key : groups.keySet()) {
            publish(key, r, i, d);
        }
        interner.rotate();
        lastPublishNanos = System.nanoTime() - start;
        publishes.incrementAndGet();
    }

    private void publish(NodeKey key, ResourceSet r, List<Instance> i, ResolvedHosts d) {
        XdsResources xds = resourcesFor(key, r, i, d);
        var clusters = interner.intern(xds.clusters());
        var endpoints = interner.intern(xds.endpoints());
        var listeners = interner.intern(xds.listeners());
        var routes = interner.intern(xds.routes());
        var secrets = interner.intern(this.secrets.get());
        Snapshot snapshot = Snapshot.create(
                clusters.resources(), clusters.version(),
                endpoints.resources(), endpoints.version(),
                listeners.resources(), listeners.version(),
                routes.resources(), routes.version(),
                secrets.resources(), secrets.version());
        cache.setSnapshot(key, snapshot);
    }

    /** What a group is served. */
    public static XdsResources resourcesFor(NodeKey key, ResourceSet r, List<Instance> i) {
        return resourcesFor(key, r, i, ResolvedHosts.NONE);
    }

    /** What a group is served, DNS names of static endpoints expanded to their last good addresses. */
    public static XdsResources resourcesFor(NodeKey key, ResourceSet r, List<Instance> i, ResolvedHosts d) {
        if (key.proxyless()) {
            return ProxylessResources.adapt(XdsTranslator.translate(r, new ProxyNode("", null, 0), i, d), r);
        }
        return XdsTranslator.translate(r, key.sidecar(), i, d);
    }

    public Map<NodeKey, Integer> groups() {
        return Map.copyOf(groups);
    }

    public long publishes() {
        return publishes.get();
    }

    public long lastPublishNanos() {
        return lastPublishNanos;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
