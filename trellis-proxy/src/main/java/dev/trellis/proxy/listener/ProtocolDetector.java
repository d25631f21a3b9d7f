package dev.trellis.proxy.listener;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Decides from a connection's first bytes what it speaks: a TLS ClientHello (where TLS is expected), the
 * HTTP/2 client preface, an HTTP/1 request line, or anything else (opaque TCP). A client that says nothing within the timeout is treated as TCP,
 * so server-first protocols still work behind detection. Then it installs the right pipeline and leaves;
 * the bytes it looked at flow on to the new handlers.
 */
final class ProtocolDetector extends ByteToMessageDecoder {
    enum Protocol { HTTP1, HTTP2, TCP, TLS }

    interface Installer {
        void install(ChannelHandlerContext ctx, Protocol protocol);
    }

    private static final ByteBuf PREFACE = Http2CodecUtil.connectionPrefaceBuf();
    private static final int MAX_METHOD = 16;

    private final boolean tcpAllowed;
    private final boolean tlsExpected;
    private final long timeoutMillis;
    private final Installer installer;
    private ScheduledFuture<?> timeout;

    ProtocolDetector(boolean tcpAllowed, long timeoutMillis, Installer installer) {
        this(tcpAllowed, false, timeoutMillis, installer);
    }

    /**
     * @param tlsExpected whether a TLS ClientHello is told apart (a listener that accepts mutual TLS); else
     *                    TLS bytes are just opaque TCP, or bad HTTP
     */
    ProtocolDetector(boolean tcpAllowed, boolean tlsExpected, long timeoutMillis, Installer installer) {
        this.tcpAllowed = tcpAllowed;
        this.tlsExpected = tlsExpected;
        this.timeoutMillis = timeoutMillis;
        this.installer = installer;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (tcpAllowed && timeoutMillis > 0) {
            timeout = ctx.executor().schedule(() -> decided(ctx, Protocol.TCP), timeoutMillis, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (tlsExpected) {
            Boolean tls = isTls(in);
            if (tls == null) {
                return;
            }
            if (tls) {
                decided(ctx, Protocol.TLS);
                return;
            }
        }
        Protocol p = detect(in, tcpAllowed);
        if (p != null) {
            decided(ctx, p);
        }
    }

    /**
     * Whether the bytes start a TLS handshake record (content type 22, version 3.x), or null while fewer
     * than three bytes arrived. No HTTP request starts so: a method is upper-case letters.
     */
    static Boolean isTls(ByteBuf in) {
        int n = in.readableBytes();
        int i = in.readerIndex();
        if (n >= 1 && in.getByte(i) != 0x16) {
            return false;
        }
        if (n >= 2 && in.getByte(i + 1) != 0x03) {
            return false;
        }
        if (n >= 3) {
            return in.getByte(i + 2) >= 0x00 && in.getByte(i + 2) <= 0x04;
        }
        return null;
    }

    /** The protocol, or null while the bytes so far cannot tell. */
    static Protocol detect(ByteBuf in, boolean tcpAllowed) {
        int n = in.readableBytes();
        int prefaceLength = PREFACE.readableBytes();
        int cmp = Math.min(n, prefaceLength);
        boolean prefacePrefix = true;
        for (int i = 0; i < cmp; i++) {
            if (in.getByte(in.readerIndex() + i) != PREFACE.getByte(PREFACE.readerIndex() + i)) {
                prefacePrefix = false;
                break;
            }
        }
        if (prefacePrefix) {
            return n >= prefaceLength ? Protocol.HTTP2 : null;
        }
        // an HTTP/1 request line starts with an upper-case method token and a space
        int limit = Math.min(n, MAX_METHOD);
        for (int i = 0; i < limit; i++) {
            byte b = in.getByte(in.readerIndex() + i);
            if (b == ' ') {
                return i > 0 ? Protocol.HTTP1 : fallback(tcpAllowed);
            }
            if (b < 'A' || b > 'Z') {
                return fallback(tcpAllowed);
            }
        }
        return n >= MAX_METHOD ? fallback(tcpAllowed) : null;
    }

    private static Protocol fallback(boolean tcpAllowed) {
        // on an HTTP-only listener, garbage goes to the HTTP/1 codec, which answers 400
        return tcpAllowed ? Protocol.TCP : Protocol.HTTP1;
    }

    private void decided(ChannelHandlerContext ctx, Protocol p) {
        if (ctx.isRemoved()) {
            return;
        }
        if (timeout != null) {
            timeout.cancel(false);
            timeout = null;
        }
        installer.install(ctx, p);
        ctx.pipeline().remove(this);
    }

    @Override
    public void handlerRemoved0(ChannelHandlerContext ctx) {
        if (timeout != null) {
            timeout.cancel(false);
        }
    }
}
