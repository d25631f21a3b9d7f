package dev.trellis.controlplane.xds;

import io.envoyproxy.controlplane.cache.ConfigWatcher;
import io.envoyproxy.controlplane.server.DefaultExecutorGroup;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The gRPC server speaking xDS v3: ADS (what Trellis proxies and proxyless gRPC clients use) and the
 * per-type services, over Envoy's java-control-plane. Keepalive pings find dead clients.
 */
public final class XdsServer implements AutoCloseable {
    private final Server server;

    public XdsServer(String bindAddress, int port, ProxyStreams callbacks, ConfigWatcher watcher) {
        this(bindAddress, port, callbacks, watcher, List.of());
    }

    /** @param more other services on the same port (the CA's {@code IstioCertificateService}) */
    public XdsServer(String bindAddress, int port, ProxyStreams callbacks, ConfigWatcher watcher, List<ServerServiceDefinition> more) {
        V3DiscoveryServer discovery = new V3DiscoveryServer(List.of(callbacks), watcher,
                new DefaultExecutorGroup(), new IdentitySerializer());
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(bindAddress, port));
        more.forEach(builder::addService);
        this.server = builder
                .addService(discovery.getAggregatedDiscoveryServiceImpl())
                .addService(discovery.getClusterDiscoveryServiceImpl())
                .addService(discovery.getEndpointDiscoveryServiceImpl())
                .addService(discovery.getListenerDiscoveryServiceImpl())
                .addService(discovery.getRouteDiscoveryServiceImpl())
                .keepAliveTime(30, TimeUnit.SECONDS)
                .keepAliveTimeout(10, TimeUnit.SECONDS)
                .permitKeepAliveTime(5, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true)
                .maxInboundMessageSize(16 * 1024 * 1024)
                .build();
    }

    public XdsServer start() {
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException("xDS server: cannot listen: " + e.getMessage(), e);
        }
        return this;
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.shutdownNow();
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
