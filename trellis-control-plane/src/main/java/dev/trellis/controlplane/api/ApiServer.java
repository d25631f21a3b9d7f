package dev.trellis.controlplane.api;

import com.sun.net.httpserver.HttpServer;
import dev.trellis.controlplane.ca.CaHandler;
import dev.trellis.controlplane.ca.CertificateAuthority;
import dev.trellis.controlplane.registry.Registry;
import dev.trellis.controlplane.store.ConfigDirectory;
import dev.trellis.controlplane.telemetry.MetricsScraper;
import dev.trellis.controlplane.telemetry.ProxyTarget;
import dev.trellis.controlplane.telemetry.ScrapeOptions;
import dev.trellis.controlplane.xds.ProxyStreams;
import dev.trellis.controlplane.xds.SnapshotPublisher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** The control plane's REST API (JSON; YAML bodies for resources) and the CA's endpoints, on the JDK's HTTP server. */
public final class ApiServer implements AutoCloseable {
    private final HttpServer server;
    /** Proxies' metrics, behind /api/v1/stats and /api/v1/proxies. */
    private final MetricsScraper scraper;
    private final ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "trellis-api");
        t.setDaemon(true);
        return t;
    });

    public ApiServer(String bindAddress, int port, ConfigDirectory directory, Registry registry, ProxyStreams streams,
                     SnapshotPublisher publisher, int xdsPort, CertificateAuthority ca) {
        this(bindAddress, port, directory, registry, streams, publisher, xdsPort, ca, false, ScrapeOptions.defaults());
    }

    /**
     * @param localTokens serve {@code POST /api/v1/tokens} (see {@link LocalTokensHandler})
     * @param scrape      how the proxies' metrics are gathered
     */
    public ApiServer(String bindAddress, int port, ConfigDirectory directory, Registry registry, ProxyStreams streams,
                     SnapshotPublisher publisher, int xdsPort, CertificateAuthority ca, boolean localTokens,
                     ScrapeOptions scrape) {
        try {
            server = HttpServer.create(new InetSocketAddress(bindAddress, port), 128);
        } catch (IOException e) {
            throw new UncheckedIOException("API server: cannot listen on " + bindAddress + ":" + port + ": " + e.getMessage(), e);
        }
        server.setExecutor(executor);
        server.createContext(ResourcesHandler.PATH, new ResourcesHandler(directory));
        server.createContext(InstancesHandler.PATH, new InstancesHandler(registry));
        server.createContext(StatusHandler.PATH, new StatusHandler(directory, registry, streams, publisher, xdsPort));
        server.createContext(PrometheusTargetsHandler.PATH, new PrometheusTargetsHandler(streams::streams));
        CaHandler.mount(server, ca);
        server.createContext(LocalTokensHandler.PATH, new LocalTokensHandler(ca, localTokens, server.getAddress().getAddress()));
        scraper = new MetricsScraper(() -> ProxyTarget.of(streams), scrape, Clock.systemUTC());
        HttpClient admin = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        server.createContext(StatsHandler.PATH, new StatsHandler(scraper, streams));
        server.createContext(ProxiesHandler.PATH, new ProxiesHandler(streams, scraper, ca, admin));
        server.createContext(TapHandler.PATH, new TapHandler(streams, admin));
        server.createContext(VersionHandler.PATH, new VersionHandler());
        DashboardHandler.mount(server);
        server.createContext("/ready", ex -> {
            try (ex) {
                Exchanges.text(ex, 200, "ready\n");
            }
        });
    }

    public ApiServer start() {
        server.start();
        scraper.start();
        return this;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        scraper.close();
        server.stop(0);
        executor.shutdownNow();
    }
}
