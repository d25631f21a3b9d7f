package dev.trellis.proxy.listener;

import dev.trellis.proxy.config.ListenerConfig;
import dev.trellis.proxy.runtime.ListenerContext;
import dev.trellis.proxy.runtime.RuntimeConfig;
import dev.trellis.proxy.tcp.TcpProxyHandler;
import dev.trellis.proxy.upstream.pool.Connector;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;

/**
 * Sets up each accepted connection of a listener from the configuration in force at accept time: opaque
 * TCP when the listener is declared TCP, otherwise protocol detection (HTTP/2, HTTP/1, and TCP where allowed).
 */
public final class ListenerInitializer extends ChannelInitializer<Channel> {
    private final ListenerContext listener;
    private final Connector connector;
    private final ChannelGroup accepted;
    private final boolean tcpFallback;

    /** @param tcpFallback whether undetected traffic is relayed as TCP (inbound) or answered as bad HTTP (outbound) */
    public ListenerInitializer(ListenerContext listener, Connector connector, ChannelGroup accepted, boolean tcpFallback) {
        this.listener = listener;
        this.connector = connector;
        this.accepted = accepted;
        this.tcpFallback = tcpFallback;
    }

    @Override
    protected void initChannel(Channel ch) {
        accepted.add(ch);
        ch.config().setWriteBufferWaterMark(Connector.WATER_MARK);
        RuntimeConfig config = listener.config().current();
        ListenerConfig lc = config == null ? null : config.listener(listener.name());
        if (lc != null && lc.protocol() == ListenerConfig.ListenerProtocol.TCP) {
            ch.pipeline().addLast("tcp", tcpHandler());
            return;
        }
        long timeout = lc == null ? ListenerConfig.DEFAULT_DETECT_TIMEOUT.toMillis() : lc.detectTimeout().toMillis();
        boolean tcp = tcpFallback && (lc == null || lc.detectProtocol());
        ch.pipeline().addLast("detect", new ProtocolDetector(tcp, timeout, (ctx, protocol) -> {
            switch (protocol) {
                case HTTP2:
                    HttpPipelines.http2(ctx.pipeline(), listener);
                    break;
                case HTTP1:
                    HttpPipelines.http1(ctx.pipeline(), listener);
                    break;
                default:
                    ctx.pipeline().addLast("tcp", tcpHandler());
            }
        }));
    }

    private TcpProxyHandler tcpHandler() {
        return new TcpProxyHandler(listener, cfg -> {
            ListenerConfig lc = cfg.listener(listener.name());
            return lc == null ? null : lc.tcpCluster();
        }, connector);
    }
}
