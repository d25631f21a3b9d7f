package dev.trellis.proxy.telemetry.tap;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One tap listener: an admin connection receiving events as a chunked response. Events arrive from any event loop
 * and are written on the connection's own; a connection that does not keep up loses events (counted) instead of
 * holding memory or slowing requests. It ends, with the chunked response's last chunk, after {@code max} events or
 * {@code seconds}, and leaves the tap when its connection closes.
 */
final class TapSubscriber {
    /** Events handed to the connection's loop but not written yet; beyond this, events are dropped. */
    private static final int MAX_QUEUED = 1024;

    private final Tap tap;
    private final Channel channel;
    private final TapQuery query;
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean ended = new AtomicBoolean();
    private ScheduledFuture<?> timer;

    TapSubscriber(Tap tap, Channel channel, TapQuery query) {
        this.tap = tap;
        this.channel = channel;
        this.query = query;
    }

    TapQuery query() {
        return query;
    }

    /** Sends the response head and arms the limits; on the connection's loop. */
    void start() {
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/x-ndjson")
                .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        channel.writeAndFlush(head);
        timer = channel.eventLoop().schedule(this::end, query.seconds(), TimeUnit.SECONDS);
        channel.closeFuture().addListener(f -> end());
    }

    /** Hands an event line to the connection; any thread, never blocks. */
    void offer(String event) {
        if (ended.get()) {
            return;
        }
        if (!channel.isWritable() || queued.get() >= MAX_QUEUED) {
            tap.dropped();
            return;
        }
        int n = accepted.incrementAndGet();
        int max = query.max();
        if (max > 0 && n > max) {
            return;
        }
        if (n == max) {
            tap.remove(this); // nothing more to observe for this one
        }
        queued.incrementAndGet();
        channel.eventLoop().execute(() -> {
            queued.decrementAndGet();
            if (!ended.get() && channel.isActive()) {
                channel.writeAndFlush(new DefaultHttpContent(ByteBufUtil.writeUtf8(channel.alloc(), event)));
            }
            if (n == max) {
                end();
            }
        });
    }

    /** Ends the response and leaves the tap; on the connection's loop. */
    void end() {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        tap.remove(this);
        if (timer != null) {
            timer.cancel(false);
        }
        if (channel.isActive()) {
            channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
