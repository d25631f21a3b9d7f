package dev.trellis.proxy;

import dev.trellis.proxy.admin.AdminServer;
import dev.trellis.proxy.admin.ConfigDump;
import dev.trellis.proxy.ca.GrpcCertificateIssuer;
import dev.trellis.proxy.config.ListenerConfig;
import dev.trellis.proxy.config.ProxySnapshot;
import dev.trellis.proxy.http.DrainEvent;
import dev.trellis.proxy.listener.ListenerInitializer;
import dev.trellis.proxy.metrics.ProxyMetrics;
import dev.trellis.proxy.runtime.ConfigStore;
import dev.trellis.proxy.runtime.DrainTracker;
import dev.trellis.proxy.runtime.ClusterRuntime;
import dev.trellis.proxy.runtime.ListenerContext;
import dev.trellis.proxy.telemetry.Telemetry;
import dev.trellis.proxy.telemetry.tracing.TracingTelemetry;
import dev.trellis.proxy.telemetry.accesslog.AccessLog;
import dev.trellis.proxy.telemetry.tap.Tap;
import dev.trellis.proxy.tls.ProxyTls;
import dev.trellis.proxy.runtime.RuntimeConfig;
import dev.trellis.proxy.transport.Transport;
import dev.trellis.proxy.upstream.Upstreams;
import dev.trellis.proxy.upstream.pool.Connector;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sidecar proxy: an outbound listener (the app calls other services through it), an inbound listener
 * (callers reach the app through it), outbound TCP listeners the configuration declares, and an admin
 * listener. Configuration arrives as {@link ProxySnapshot}s through {@link #apply}, from whichever source.
 */
public final class Proxy implements AdminServer.Admin {
    private static final Logger log = LoggerFactory.getLogger(Proxy.class);

    private final ProxyOptions options;
    private final Transport transport;
    private final EventLoopGroup workers;
    private final ProxyMetrics metrics;
    private final ConfigStore config;
    private final DrainTracker drain = new DrainTracker();
    private final Telemetry telemetry = new Telemetry();
    private final TracingTelemetry tracing;
    private final AccessLog accessLog;
    private final Tap tap;
    private final Connector connector;
    private final Upstreams upstreams;
    private final ChannelGroup accepted = new DefaultChannelGroup("accepted", GlobalEventExecutor.INSTANCE);
    private final ChannelGroup servers = new DefaultChannelGroup("servers", GlobalEventExecutor.INSTANCE);
    private final Map<Integer, Channel> outboundTcp = new HashMap<>();
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private volatile String configSource = "none";
    private boolean announcedReady;
    private Channel outbound;
    private Channel inbound;
    private Channel admin;

    private Proxy(ProxyOptions options) {
        this.options = options;
        this.transport = options.transport();
        // daemon threads: a worker stuck at shutdown (see drainAndStop) must not keep the process alive
        this.workers = transport.newGroup(options.workers(), new DefaultThreadFactory("trellis-worker", true));
        this.metrics = new ProxyMetrics(options.service());
        this.config = new ConfigStore(metrics);
        this.tracing = new TracingTelemetry(config, options.service());
        telemetry.add(tracing); // first: the observers after it see the trace context it sets upstream
        this.connector = new Connector(transport, ProxyTls.from(options.identity(), GrpcCertificateIssuer::new));
        this.upstreams = new Upstreams(connector, workers);
        this.accessLog = new AccessLog(config, metrics);
        this.tap = new Tap(options.service(), metrics);
    }

    /** Binds every listener; the proxy serves requests once the first configuration is applied. */
    public static Proxy start(ProxyOptions options) throws InterruptedException {
        Proxy p = new Proxy(options);
        p.bind();
        return p;
    }

    private void bind() throws InterruptedException {
        ListenerContext out = new ListenerContext("outbound", "outbound", config, metrics, upstreams, options, drain, telemetry);
        ListenerContext in = new ListenerContext("inbound", "inbound", config, metrics, upstreams, options, drain, telemetry);
        outbound = bind(options.outboundPort(), new ListenerInitializer(out, connector, accepted, false));
        inbound = bind(options.inboundPort(), new ListenerInitializer(in, connector, accepted, true));
        admin = bind(options.adminPort(), new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024), new AdminServer(Proxy.this));
            }
        });
        log.info("trellis proxy for {} ({}): outbound {}, inbound {}, admin {}", options.service(), transport,
                outboundPort(), inboundPort(), adminPort());
        if (transport == Transport.IO_URING) {
            log.warn("the io_uring transport is opt-in and experimental: Netty's io_uring loop can stall at shutdown"
                    + " (docs/proxy.md, \"Transport\")");
        }
        // last, after any tracer: they read the trace context it sets
        telemetry.add(accessLog);
        telemetry.add(tap);
    }

    private Channel bind(int port, ChannelInitializer<Channel> initializer) throws InterruptedException {
        Channel ch = new ServerBootstrap()
                .group(workers)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(initializer)
                .bind(new InetSocketAddress(options.bindAddress(), port))
                .sync()
                .channel();
        servers.add(ch);
        return ch;
    }

    /** The socket transport this proxy's event loops run on. */
    public Transport transport() {
        return transport;
    }

    /** This proxy's mutual TLS state (it takes trust bundles pushed by the control plane). */
    public ProxyTls tls() {
        return connector.tls();
    }

    /** Where tracers, access logs and taps attach to the request path. */
    public Telemetry telemetry() {
        return telemetry;
    }

    /** Swaps in a new configuration; in-flight requests finish on the one they started with. */
    public synchronized void apply(ProxySnapshot snapshot, String source) {
        tracing.prepare(snapshot);
        config.update(snapshot);
        upstreams.apply(config.current());
        configSource = source;
        syncOutboundTcpListeners(snapshot);
        if (!announcedReady && ready()) {
            announcedReady = true;
            log.info("ready: first configuration applied from {}, {} ms after the JVM started", source, sinceJvmStart());
        }
    }

    /** Milliseconds since the JVM started (its own start-up, class loading and this proxy's set-up included). */
    private static long sinceJvmStart() {
        return System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
    }

    public void apply(ProxySnapshot snapshot) {
        apply(snapshot, configSource);
    }

    private void syncOutboundTcpListeners(ProxySnapshot snapshot) {
        Map<Integer, ListenerConfig> wanted = new HashMap<>();
        for (ListenerConfig l : snapshot.listeners().values()) {
            if (l.direction() == ListenerConfig.Direction.OUTBOUND && l.protocol() == ListenerConfig.ListenerProtocol.TCP
                    && l.port() > 0) {
                wanted.put(l.port(), l);
            }
        }
        outboundTcp.entrySet().removeIf(e -> {
            if (!wanted.containsKey(e.getKey())) {
                e.getValue().close();
                return true;
            }
            return false;
        });
        for (ListenerConfig l : wanted.values()) {
            if (!outboundTcp.containsKey(l.port())) {
                ListenerContext ctx = new ListenerContext(l.name(), "outbound", config, metrics, upstreams, options, drain, telemetry);
                try {
                    outboundTcp.put(l.port(), bind(l.port(), new ListenerInitializer(ctx, connector, accepted, true)));
                } catch (Exception e) {
                    log.error("listener {}: cannot bind port {}: {}", l.name(), l.port(), e.toString());
                }
            }
        }
    }

    public int outboundPort() {
        return ((InetSocketAddress) outbound.localAddress()).getPort();
    }

    public int inboundPort() {
        return ((InetSocketAddress) inbound.localAddress()).getPort();
    }

    public int adminPort() {
        return ((InetSocketAddress) admin.localAddress()).getPort();
    }

    public ProxyMetrics proxyMetrics() {
        return metrics;
    }

    @Override
    public boolean ready() {
        return config.ready() && !drain.draining();
    }

    @Override
    public String metrics() {
        return metrics.scrape();
    }

    @Override
    public String configDump() {
        RuntimeConfig rc = config.current();
        if (rc == null) {
            return ConfigDump.render(options, null, configSource);
        }
        Map<String, Map<String, String>> health = new java.util.TreeMap<>();
        for (String cluster : rc.snapshot().clusters().keySet()) {
            ClusterRuntime runtime = rc.clusterRuntime(cluster);
            Map<String, String> endpoints = runtime == null ? Map.of() : runtime.endpointHealth();
            if (!endpoints.isEmpty()) {
                health.put(cluster, endpoints);
            }
        }
        return ConfigDump.render(options, rc.snapshot(), configSource, health);
    }

    @Override
    public Tap tap() {
        return tap;
    }

    @Override
    public void shutdown() {
        Thread t = new Thread(this::drainAndStop, "trellis-drain");
        t.setDaemon(false);
        t.start();
    }

    /**
     * Stops accepting, lets in-flight requests finish (up to the drain timeout), then closes everything.
     * Idempotent; blocks the calling thread (never call it on an event loop).
     */
    public void drainAndStop() {
        synchronized (this) {
            if (drain.draining()) {
                terminated.join();
                return;
            }
            drain.startDraining();
        }
        log.info("draining: {} request(s) in flight, up to {}", drain.inFlight(), options.drainTimeout());
        for (Channel s : servers) {
            if (s != admin) {
                s.close().syncUninterruptibly();
            }
        }
        accepted.forEach(ch -> ch.pipeline().fireUserEventTriggered(DrainEvent.INSTANCE));
        long deadline = System.nanoTime() + options.drainTimeout().toNanos();
        while (drain.inFlight() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        admin.close().syncUninterruptibly();
        accepted.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        upstreams.closeAll();
        connector.close();
        // a short quiet period: io_uring (opt-in) completes a close asynchronously, and the loop must live to see it.
        // The wait is bounded: Netty's io_uring loop can stay blocked in its last io_uring_enter while it shuts down
        // (6-9 of the test suite's few hundred proxies per run when it ran on io_uring; netty/netty#15582), and the
        // proxy must stop all the same.
        if (!workers.shutdownGracefully(50, 1000, TimeUnit.MILLISECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS)) {
            log.warn("an event loop did not stop within 3 s ({}); stopping without it", transport);
        }
        tracing.close();
        accessLog.close();
        log.info("stopped");
        terminated.complete(null);
    }

    /** Completes when the proxy has stopped. */
    public CompletableFuture<Void> terminated() {
        return terminated;
    }
}
