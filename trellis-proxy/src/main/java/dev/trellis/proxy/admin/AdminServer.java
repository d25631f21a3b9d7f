package dev.trellis.proxy.admin;

import dev.trellis.proxy.telemetry.tap.Tap;
import dev.trellis.proxy.telemetry.tap.TapQuery;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.util.Map;

/**
 * The admin endpoints, on their own port: /ready, /live, /metrics, /config_dump, /tap, POST /shutdown.
 * Everything it serves is computed from immutable snapshots and counters; nothing blocks the loop.
 */
public final class AdminServer extends SimpleChannelInboundHandler<FullHttpRequest> {
    /** What the admin endpoints read from the proxy. */
    public interface Admin {
        boolean ready();

        String metrics();

        String configDump();

        /** Starts draining and exiting; returns at once. */
        void shutdown();

        /** Live requests for GET /tap. */
        Tap tap();
    }

    private final Admin admin;
    /** This connection carries a tap stream: whatever else it sends is ignored. */
    private boolean streaming;

    public AdminServer(Admin admin) {
        this.admin = admin;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (streaming) {
            return;
        }
        String path = req.uri();
        int q = path.indexOf('?');
        if (q >= 0) {
            path = path.substring(0, q);
        }
        FullHttpResponse response;
        switch (path) {
            case "/ready":
                response = admin.ready() ? text(ctx, HttpResponseStatus.OK, "ready\n", "text/plain")
                        : text(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, "not ready: no configuration yet\n", "text/plain");
                break;
            case "/live":
                response = text(ctx, HttpResponseStatus.OK, "live\n", "text/plain");
                break;
            case "/metrics":
                response = text(ctx, HttpResponseStatus.OK, admin.metrics(), "text/plain; version=0.0.4; charset=utf-8");
                break;
            case "/config_dump":
                response = text(ctx, HttpResponseStatus.OK, admin.configDump(), "application/json");
                break;
            case "/tap":
                if (!req.method().equals(HttpMethod.GET)) {
                    response = text(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "use GET /tap\n", "text/plain");
                    response.headers().set(HttpHeaderNames.ALLOW, "GET");
                    break;
                }
                TapQuery query;
                try {
                    query = TapQuery.parse(req.uri());
                } catch (IllegalArgumentException e) {
                    response = text(ctx, HttpResponseStatus.BAD_REQUEST, e.getMessage() + "\n", "text/plain");
                    break;
                }
                // a streamed response: the tap writes the head, the events and the end
                streaming = true;
                admin.tap().stream(ctx.channel(), query);
                return;
            case "/shutdown":
                if (!req.method().equals(HttpMethod.POST)) {
                    response = text(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "use POST /shutdown\n", "text/plain");
                    response.headers().set(HttpHeaderNames.ALLOW, "POST");
                } else {
                    response = text(ctx, HttpResponseStatus.OK, "draining\n", "text/plain");
                    ctx.writeAndFlush(response).addListener(f -> admin.shutdown());
                    return;
                }
                break;
            default:
                response = text(ctx, HttpResponseStatus.NOT_FOUND,
                        "not found; try " + String.join(", ", ENDPOINTS.keySet()) + "\n", "text/plain");
        }
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        HttpUtil.setKeepAlive(response, keepAlive);
        if (keepAlive) {
            ctx.writeAndFlush(response);
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static final Map<String, String> ENDPOINTS = new java.util.LinkedHashMap<>(Map.of(
            "/ready", "", "/live", "", "/metrics", "", "/config_dump", "", "/tap", "", "/shutdown", ""));

    private static FullHttpResponse text(ChannelHandlerContext ctx, HttpResponseStatus status, String body, String type) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, ByteBufUtil.writeUtf8(ctx.alloc(), body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, type).setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
        return r;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
