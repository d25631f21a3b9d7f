package dev.trellis.proxy.upstream.health;

import dev.trellis.proxy.upstream.ResponseSink;
import dev.trellis.proxy.upstream.UpstreamHandler;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One health check request: {@code GET path} with the cluster's name as Host (as Envoy sends it), read to its end
 * within the timeout. The status decides; a clean HTTP/1.1 keep-alive answer leaves its connection for the next
 * check.
 */
final class HealthProbe implements ResponseSink {
    static final String USER_AGENT = "trellis-health-check";

    private final EndpointChecks owner;
    private final String path;
    private final String host;
    private final boolean http2;
    private Channel channel;
    private UpstreamHandler handler;
    private ScheduledFuture<?> timer;
    private int status;
    private boolean keepAlive;
    private boolean ended;

    HealthProbe(EndpointChecks owner, String path, String host, boolean http2) {
        this.owner = owner;
        this.path = path;
        this.host = host;
        this.http2 = http2;
    }

    void start(EventLoop loop, Future<Channel> connection, long timeoutMillis) {
        timer = loop.schedule(this::onTimeout, timeoutMillis, TimeUnit.MILLISECONDS);
        if (connection.isDone()) {
            onConnected(connection);
        } else {
            connection.addListener(done -> onConnected(connection));
        }
    }

    private void onConnected(Future<Channel> connection) {
        if (ended) {
            if (connection.isSuccess()) {
                connection.getNow().close();
            }
            return;
        }
        if (!connection.isSuccess()) {
            end(0, false);
            return;
        }
        channel = connection.getNow();
        handler = channel.pipeline().get(UpstreamHandler.class);
        handler.attach(this);
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path, Unpooled.EMPTY_BUFFER);
        request.headers().set(HttpHeaderNames.HOST, host)
                .set(HttpHeaderNames.USER_AGENT, USER_AGENT)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        channel.writeAndFlush(request).addListener(w -> {
            if (!w.isSuccess()) {
                end(0, false);
            }
        });
    }

    private void onTimeout() {
        timer = null;
        end(0, false);
    }

    @Override
    public void onResponse(HttpObject msg) {
        try {
            if (ended) {
                return;
            }
            if (msg instanceof HttpResponse response) {
                status = response.status().code();
                keepAlive = http2 || HttpUtil.isKeepAlive(response);
            }
            if (msg instanceof LastHttpContent && status != 0) {
                end(status, keepAlive);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void onResponseReadComplete() {
    }

    @Override
    public void onUpstreamWritable() {
    }

    @Override
    public void onUpstreamFailure(Channel upstream, Throwable cause) {
        end(0, false); // no whole answer: a failure of the network kind, whatever the status said
    }

    @Override
    public void onUpgradedBytes(Object msg) {
        ReferenceCountUtil.release(msg);
        end(0, false);
    }

    /** The checks of this endpoint stopped. */
    void cancel() {
        if (!ended) {
            ended = true;
            release(false);
        }
    }

    private void end(int result, boolean reusable) {
        if (ended) {
            return;
        }
        ended = true;
        release(reusable);
        owner.onProbeDone(this, result);
    }

    private void release(boolean reusable) {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        if (channel == null) {
            return;
        }
        if (handler != null) {
            handler.detach();
        }
        if (http2) {
            if (!reusable) {
                channel.close(); // resets the stream; a finished one closes by itself
            }
        } else if (reusable) {
            owner.reuse(channel);
        } else {
            channel.close();
        }
    }
}
