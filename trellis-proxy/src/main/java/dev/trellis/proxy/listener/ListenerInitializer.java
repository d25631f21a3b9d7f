package dev.trellis.proxy.listener;

import dev.trellis.proxy.config.ListenerConfig;
import dev.trellis.proxy.config.TlsMode;
import dev.trellis.proxy.filter.authz.AuthzStats;
import dev.trellis.proxy.runtime.ListenerContext;
import dev.trellis.proxy.runtime.RuntimeConfig;
import dev.trellis.proxy.tcp.TcpProxyHandler;
import dev.trellis.proxy.tls.InboundTls;
import dev.trellis.proxy.tls.ProxyTls;
import dev.trellis.proxy.upstream.pool.Connector;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;

/**
 * Sets up each accepted connection of a listener from the configuration in force at accept time: opaque
 * TCP when the listener is declared TCP, otherwise protocol detection (HTTP/2, HTTP/1, and TCP where allowed).
 * A listener with mutual TLS (PERMISSIVE or STRICT) first tells a TLS ClientHello apart: TLS is terminated
 * (client certificate required) and detection runs again on the decrypted bytes; plaintext goes on as
 * before in PERMISSIVE and is closed in STRICT.
 */
public final class ListenerInitializer extends ChannelInitializer<Channel> {
    private final ListenerContext listener;
    private final Connector connector;
    private final ChannelGroup accepted;
    private final boolean tcpFallback;
    private final ProxyTls tls;
    private final AuthzStats authz;

    /** @param tcpFallback whether undetected traffic is relayed as TCP (inbound) or answered as bad HTTP (outbound) */
    public ListenerInitializer(ListenerContext listener, Connector connector, ChannelGroup accepted, boolean tcpFallback) {
        this.listener = listener;
        this.connector = connector;
        this.accepted = accepted;
        this.tcpFallback = tcpFallback;
        this.tls = connector.tls();
        tls.registerMetrics(listener.metrics());
        // authorization policies protect a workload: they apply where other sidecars call in
        this.authz = listener.direction().equals("inbound") ? new AuthzStats(listener.metrics()) : null;
    }

    @Override
    protected void initChannel(Channel ch) {
        accepted.add(ch);
        ch.config().setWriteBufferWaterMark(Connector.WATER_MARK);
        RuntimeConfig config = listener.config().current();
        ListenerConfig lc = config == null ? null : config.listener(listener.name());
        TlsMode mode = lc == null ? TlsMode.DISABLE : lc.tlsMode();
        long timeout = lc == null ? ListenerConfig.DEFAULT_DETECT_TIMEOUT.toMillis() : lc.detectTimeout().toMillis();
        if (lc != null && lc.protocol() == ListenerConfig.ListenerProtocol.TCP) {
            switch (mode) {
                case DISABLE -> ch.pipeline().addLast("tcp", tcpHandler());
                case STRICT -> InboundTls.install(ch.pipeline(), tls, p -> p.addLast("tcp", tcpHandler()));
                // a server-first protocol says nothing: the detection timeout makes it plaintext TCP
                case PERMISSIVE -> ch.pipeline().addLast("detect", new ProtocolDetector(true, true, timeout, (ctx, protocol) -> {
                    if (protocol == ProtocolDetector.Protocol.TLS) {
                        InboundTls.install(ctx.pipeline(), tls, p -> p.addLast("tcp", tcpHandler()));
                    } else {
                        tls.stats().countPlaintext(true);
                        ctx.pipeline().addLast("tcp", tcpHandler());
                    }
                }));
            }
            return;
        }
        boolean tcp = tcpFallback && (lc == null || lc.detectProtocol());
        ch.pipeline().addLast("detect", new ProtocolDetector(tcp, mode.acceptsTls(), timeout, (ctx, protocol) -> {
            if (protocol == ProtocolDetector.Protocol.TLS) {
                InboundTls.install(ctx.pipeline(), tls, p -> p.addLast("detect-tls", new ProtocolDetector(tcp, timeout, this::install)));
                return;
            }
            if (!mode.acceptsPlaintext()) {
                tls.stats().countPlaintext(false);
                ctx.close();
                return;
            }
            if (mode == TlsMode.PERMISSIVE) {
                tls.stats().countPlaintext(true);
            }
            install(ctx, protocol);
        }));
    }

    private void install(ChannelHandlerContext ctx, ProtocolDetector.Protocol protocol) {
        switch (protocol) {
            case HTTP2 -> HttpPipelines.http2(ctx.pipeline(), listener, authz);
            case HTTP1 -> HttpPipelines.http1(ctx.pipeline(), listener, authz);
            default -> ctx.pipeline().addLast("tcp", tcpHandler());
        }
    }

    private TcpProxyHandler tcpHandler() {
        return new TcpProxyHandler(listener, cfg -> {
            ListenerConfig lc = cfg.listener(listener.name());
            return lc == null ? null : lc.tcpCluster();
        }, connector);
    }
}
