package dev.trellis.cli;

import dev.trellis.config.xds.NodeIdentity;
import dev.trellis.config.xds.ProxyNode;
import dev.trellis.proxy.Proxy;
import dev.trellis.proxy.ProxyOptions;
import dev.trellis.proxy.metrics.ControlPlaneMetrics;
import dev.trellis.proxy.xds.AdsConfigSource;
import dev.trellis.proxy.xds.AdsOptions;
import dev.trellis.proxy.xds.ConfigSource;
import dev.trellis.proxy.xds.StandaloneConfigSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running sidecar: the proxy plus where its configuration comes from (a local file, or the control
 * plane over ADS). Stopping it in control plane mode deregisters first, keeps serving for the shutdown
 * delay so callers learn the instance is gone, then drains.
 */
final class Sidecar {
    private static final Logger log = LoggerFactory.getLogger(Sidecar.class);

    private final Proxy proxy;
    private final ConfigSource config;
    private final Duration shutdownDelay;
    /** Control plane mode: the identity that registers the instance; null when standalone. */
    private final NodeIdentity identity;
    private boolean stopped;

    private Sidecar(Proxy proxy, ConfigSource config, Duration shutdownDelay, NodeIdentity identity) {
        this.proxy = proxy;
        this.config = config;
        this.shutdownDelay = shutdownDelay;
        this.identity = identity;
    }

    /**
     * Standalone: loads the file before returning.
     *
     * @throws RuntimeException when the file is invalid (the proxy is stopped again)
     */
    static Sidecar standalone(ProxyOptions options, Path file) throws InterruptedException {
        Proxy proxy = Proxy.start(options);
        ConfigSource config = new StandaloneConfigSource(file, new ProxyNode(options.service(), options.namespace(), options.appPort()));
        String label = "file:" + file.toAbsolutePath();
        try {
            config.start(snapshot -> proxy.apply(snapshot, label));
        } catch (RuntimeException e) {
            proxy.drainAndStop();
            throw e;
        }
        return new Sidecar(proxy, config, Duration.ZERO, null);
    }

    /**
     * Control plane mode: returns at once; the proxy becomes ready with the first complete configuration.
     *
     * @param controlPlane     HOST:PORT of the control plane's xDS server
     * @param advertiseAddress where other sidecars reach this one; null: the bind address (127.0.0.1 when it is a wildcard)
     * @param registerLater    register the instance only on {@link #register()} (once the application listens), not
     *                         as soon as the proxy has its first configuration
     */
    static Sidecar controlPlane(ProxyOptions options, String controlPlane, Map<String, String> labels,
                                String advertiseAddress, Duration shutdownDelay, boolean registerLater) throws InterruptedException {
        String address = advertiseAddress != null ? advertiseAddress : advertised(options.bindAddress());
        Proxy proxy = Proxy.start(options);
        NodeIdentity identity = new NodeIdentity(new ProxyNode(options.service(), options.namespace(), options.appPort()),
                address, options.appPort() > 0 ? proxy.inboundPort() : 0, labels, proxy.adminPort());
        // unregistered until it can serve: callers must not be sent to an inbound listener without configuration
        NodeIdentity first = identity.withInboundPort(0);
        AdsConfigSource ads;
        try {
            ads = new AdsConfigSource(AdsOptions.of(controlPlane, first));
        } catch (RuntimeException e) {
            proxy.drainAndStop();
            throw e;
        }
        if (options.identity().fromCa()) {
            ads.trustBundles(proxy.tls()); // the trust bundle comes pushed (SDS ROOTCA); polling is the fallback
        }
        Sidecar sidecar = new Sidecar(proxy, ads, shutdownDelay, identity);
        String label = ads.label();
        AtomicBoolean configured = new AtomicBoolean();
        ControlPlaneMetrics xds = ControlPlaneMetrics.register(proxy.proxyMetrics(), ads::connected);
        ads.start(snapshot -> {
            proxy.apply(snapshot, label);
            xds.updated();
            if (!registerLater && configured.compareAndSet(false, true)) {
                sidecar.register();
            }
        });
        log.info("sidecar {} ({}) configured by the control plane at {}", identity.nodeId(), labels, controlPlane);
        return sidecar;
    }

    /** Registers the instance now (control plane mode): callers may be sent here from now on. */
    void register() {
        if (config instanceof AdsConfigSource ads && identity.servesInstance()) {
            log.info("registering {}", identity.nodeId());
            ads.updateIdentity(identity);
        }
    }

    private static String advertised(String bind) {
        return bind.equals("0.0.0.0") || bind.equals("::") || bind.equals("[::]") ? "127.0.0.1" : bind;
    }

    Proxy proxy() {
        return proxy;
    }

    /** Waits until the proxy has a configuration; false on timeout. */
    boolean awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!proxy.ready()) {
            if (System.nanoTime() > deadline || proxy.terminated().isDone()) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    /** Deregisters, waits the shutdown delay, drains and stops. Idempotent; blocks. */
    synchronized void stop() {
        if (stopped) {
            proxy.terminated().join();
            return;
        }
        stopped = true;
        try {
            config.close();
        } catch (RuntimeException e) {
            log.debug("closing the configuration source: {}", e.toString());
        }
        if (!shutdownDelay.isZero()) {
            try {
                Thread.sleep(shutdownDelay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        proxy.drainAndStop();
    }
}
