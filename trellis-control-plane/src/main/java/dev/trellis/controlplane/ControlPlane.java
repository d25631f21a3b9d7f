package dev.trellis.controlplane;

import dev.trellis.config.dns.HostResolver;
import dev.trellis.controlplane.api.ApiServer;
import dev.trellis.controlplane.ca.CaGrpcService;
import dev.trellis.controlplane.ca.CaOptions;
import dev.trellis.controlplane.ca.CertificateAuthority;
import dev.trellis.controlplane.registry.DnsRefresher;
import dev.trellis.controlplane.registry.RegisteredInstance;
import dev.trellis.controlplane.registry.Registry;
import dev.trellis.controlplane.registry.RegistryFile;
import dev.trellis.controlplane.store.ConfigDirectory;
import dev.trellis.controlplane.xds.NodeKey;
import dev.trellis.controlplane.xds.ProxyStreams;
import dev.trellis.controlplane.xds.SnapshotPublisher;
import dev.trellis.controlplane.xds.StreamAwareWatcher;
import dev.trellis.controlplane.xds.TrustBundleSecret;
import dev.trellis.controlplane.xds.XdsServer;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane in one JVM: configuration directory → registry → translator → per-group xDS
 * snapshots → ADS server, plus the REST API and the certificate authority behind it. Configuration changes and registry changes republish
 * the snapshots of every connected group.
 */
public final class ControlPlane implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ControlPlane.class);

    private final ConfigDirectory directory;
    private final Registry registry;
    private final DnsRefresher dns;
    private final SnapshotPublisher publisher;
    private final XdsServer xds;
    private final ApiServer api;
    private final ScheduledExecutorService housekeeping;
    private final CertificateAuthority ca;

    private ControlPlane(ConfigDirectory directory, Registry registry, DnsRefresher dns, SnapshotPublisher publisher,
                         XdsServer xds, ApiServer api, ScheduledExecutorService housekeeping, CertificateAuthority ca) {
        this.ca = ca;
        this.directory = directory;
        this.registry = registry;
        this.dns = dns;
        this.publisher = publisher;
        this.xds = xds;
        this.api = api;
        this.housekeeping = housekeeping;
    }

    public static ControlPlane start(ControlPlaneOptions o) {
        // first, as it may refuse to start (a user-supplied CA that does not check out); it serves on the API
        CertificateAuthority ca = CertificateAuthority.open(CaOptions.builder(o.caDirectory()).clock(o.clock()).build());
        ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "trellis-housekeeping");
            t.setDaemon(true);
            return t;
        });
        ConfigDirectory directory = new ConfigDirectory(o.configDir(), o.pollInterval(), o.clock());
        Registry registry = new Registry(o.clock(), o.instanceTtl());
        RegistryFile saved = new RegistryFile(o.stateFile());
        registry.restore(saved.load());

        SimpleCache<NodeKey> cache = new SimpleCache<>(NodeKey.group());
        AtomicReference<SnapshotPublisher> publisherRef = new AtomicReference<>();
        // endpoint hosts that are DNS names: a changed answer alters only the endpoints, so only EDS is pushed
        DnsRefresher dns = new DnsRefresher(HostResolver.system(), () -> publisherRef.get().changed());
        SnapshotPublisher publisher = new SnapshotPublisher(cache, () -> directory.state().resources(), registry::meshInstances,
                dns::current);
        publisherRef.set(publisher);
        // the trust bundle (SDS "ROOTCA") goes to every proxy; a root rotation step pushes it at once
        publisher.secrets(() -> List.of(TrustBundleSecret.of(ca.trustBundle())));
        ca.onRootsChanged(publisher::changed);
        AtomicLong published = new AtomicLong(-1);
        directory.onChange(state -> {
            if (published.getAndSet(state.generation()) != state.generation()) {
                dns.watch(state.resources().services());
                publisher.changed();
            }
        });
        AtomicReference<List<RegisteredInstance>> toSave = new AtomicReference<>();
        registry.onChange(instances -> {
            publisher.changed();
            if (toSave.getAndSet(instances) == null) {
                housekeeping.execute(() -> saved.save(toSave.getAndSet(null)));
            }
        });
        directory.start();
        dns.watch(directory.state().resources().services());

        ProxyStreams streams = new ProxyStreams(publisher, registry, o.clock());
        XdsServer xds = new XdsServer(o.bindAddress(), o.xdsPort(), streams, new StreamAwareWatcher(cache),
                List.of(CaGrpcService.of(ca))).start();
        ApiServer api;
        try {
            api = new ApiServer(o.bindAddress(), o.apiPort(), directory, registry, streams, publisher, xds.port(), ca, o.localTokens(), o.scrape()).start();
        } catch (RuntimeException e) {
            xds.close();
            directory.close();
            dns.close();
            throw e;
        }
        long sweep = Math.max(100, Math.min(1000, o.instanceTtl().toMillis() / 4));
        housekeeping.scheduleWithFixedDelay(registry::expire, sweep, sweep, TimeUnit.MILLISECONDS);
        log.info("trellis control plane: config {}, xDS {}:{}, API {}:{}", directory.directory(), o.bindAddress(), xds.port(),
                o.bindAddress(), api.port());
        return new ControlPlane(directory, registry, dns, publisher, xds, api, housekeeping, ca);
    }

    public int xdsPort() {
        return xds.port();
    }

    public int apiPort() {
        return api.port();
    }

    public ConfigDirectory directory() {
        return directory;
    }

    public CertificateAuthority ca() {
        return ca;
    }

    public Registry registry() {
        return registry;
    }

    public SnapshotPublisher publisher() {
        return publisher;
    }

    @Override
    public void close() {
        api.close();
        xds.close();
        directory.close();
        dns.close();
        publisher.close();
        housekeeping.shutdown();
        try {
            housekeeping.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("control plane stopped");
    }
}
