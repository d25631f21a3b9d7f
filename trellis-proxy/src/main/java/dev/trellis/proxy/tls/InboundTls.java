package dev.trellis.proxy.tls;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Terminates mutual TLS on an accepted connection: the handshake requires a client certificate chaining to
 * the trust bundle (the TLS stack checks the chain and validity), then the peer must carry a SPIFFE ID of
 * this mesh's trust domain. Only then is the rest of the pipeline installed, behind the TLS handler, and
 * the peer's identity recorded on the connection ({@link PeerIdentity}).
 */
public final class InboundTls {
    private static final Logger log = LoggerFactory.getLogger(InboundTls.class);

    /** What runs over the decrypted bytes. */
    public interface Next {
        void install(ChannelPipeline p);
    }

    private InboundTls() {}

    /** Adds TLS at the end of the pipeline; without an identity in force the connection is closed. */
    public static void install(ChannelPipeline p, ProxyTls tls, Next next) {
        ProxyTls.Material m = tls.current();
        if (m == null) {
            tls.stats().inboundFailures.increment();
            log.debug("{}: mutual TLS refused: no workload identity yet", p.channel().remoteAddress());
            p.channel().close();
            return;
        }
        SslHandler ssl = m.server().newHandler(p.channel().alloc());
        p.addLast("tls", ssl);
        p.addLast("tls-peer", new PeerCheck(tls, m.identity().trustDomain(), ssl, next));
    }

    private static final class PeerCheck extends ChannelInboundHandlerAdapter {
        private final ProxyTls tls;
        private final String trustDomain;
        private final SslHandler ssl;
        private final Next next;

        PeerCheck(ProxyTls tls, String trustDomain, SslHandler ssl, Next next) {
            this.tls = tls;
            this.trustDomain = trustDomain;
            this.ssl = ssl;
            this.next = next;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (!(evt instanceof SslHandshakeCompletionEvent done)) {
                ctx.fireUserEventTriggered(evt);
                return;
            }
            if (!done.isSuccess()) {
                tls.stats().inboundFailures.increment();
                log.debug("{}: TLS handshake failed: {}", ctx.channel().remoteAddress(), done.cause().toString());
                ctx.close();
                return;
            }
            String peer = PeerCertificates.spiffeId(ssl.engine().getSession());
            if (peer == null || !PeerCertificates.trustDomain(peer).equals(trustDomain)) {
                tls.stats().inboundUnknownPeer.increment();
                log.debug("{}: peer identity {} refused (expected: a SPIFFE ID of trust domain {})", ctx.channel().remoteAddress(),
                        peer, trustDomain);
                ctx.close();
                return;
            }
            PeerIdentity.set(ctx.channel(), peer);
            tls.stats().inboundHandshakes.increment();
            next.install(ctx.pipeline());
            ctx.pipeline().remove(this);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            // nothing may pass before the peer is known
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // a handshake failure: counted when its completion event arrives
            ctx.close();
        }
    }
}
