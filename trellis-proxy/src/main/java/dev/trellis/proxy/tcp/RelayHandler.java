package dev.trellis.proxy.tcp;

import dev.trellis.proxy.metrics.TcpStats;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Copies bytes from this channel to its peer, flushing once per read batch; stops reading while the peer
 * cannot keep up, and closes the peer (after flushing) when this side closes.
 */
public final class RelayHandler extends ChannelInboundHandlerAdapter {
    private final Channel peer;
    private final TcpStats stats;
    private final boolean countAsRead;
    private boolean wrote;

    /** @param stats counts bytes when non-null; bytes this side reads are "read" when {@code countAsRead} */
    public RelayHandler(Channel peer, TcpStats stats, boolean countAsRead) {
        this.peer = peer;
        this.stats = stats;
        this.countAsRead = countAsRead;
    }

    public RelayHandler(Channel peer, TcpStats stats) {
        this(peer, stats, true);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (stats != null && msg instanceof ByteBuf) {
            int n = ((ByteBuf) msg).readableBytes();
            if (countAsRead) {
                stats.read(n);
            } else {
                stats.written(n);
            }
        }
        peer.write(msg);
        wrote = true;
        if (!peer.isWritable()) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (wrote) {
            wrote = false;
            peer.flush();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            peer.config().setAutoRead(true);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closeOnFlush(peer);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
        closeOnFlush(peer);
    }

    public static void closeOnFlush(Channel ch) {
        if (ch.isActive()) {
            ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
