package dev.trellis.proxy.telemetry.accesslog;

import dev.trellis.proxy.telemetry.RequestObserver;
import dev.trellis.proxy.telemetry.RequestOutcome;
import dev.trellis.proxy.tls.PeerIdentity;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.net.SocketAddress;
import java.util.function.Consumer;

/**
 * Collects a {@link RequestRecord} along one request and hands it to a sink when the request ends. The head is
 * read once, when the request arrives; the trace id is read again from each attempt's upstream headers, after any
 * tracer has set them.
 */
public final class RequestRecorder implements RequestObserver {
    private final long startMillis = System.currentTimeMillis();
    private final String direction;
    private final String method;
    private final String authority;
    private final String path;
    private final String protocol;
    private final SocketAddress remote;
    private final String peerIdentity;
    private final String userAgent;
    private final String requestId;
    private final Consumer<RequestRecord> sink;
    private String traceId;
    private String dstService;
    private String route;
    private String cluster;

    public RequestRecorder(String direction, HttpRequest request, Channel downstream, Consumer<RequestRecord> sink) {
        HttpHeaders h = request.headers();
        this.direction = direction;
        this.method = request.method().name();
        this.authority = h.get(HttpHeaderNames.HOST);
        this.path = request.uri();
        this.protocol = downstream instanceof Http2StreamChannel ? "HTTP/2" : request.protocolVersion().text();
        this.remote = downstream.remoteAddress();
        this.peerIdentity = PeerIdentity.of(downstream);
        this.userAgent = h.get(HttpHeaderNames.USER_AGENT);
        this.requestId = h.get("x-request-id");
        this.traceId = TraceIds.of(h);
        this.sink = sink;
    }

    @Override
    public void onRoute(String dstService, String route, String cluster) {
        this.dstService = dstService;
        this.route = route;
        this.cluster = cluster;
    }

    @Override
    public void onAttempt(int attempt, String endpoint, HttpHeaders upstreamHeaders) {
        String sent = TraceIds.of(upstreamHeaders);
        if (sent != null) {
            traceId = sent;
        }
    }

    @Override
    public void onEnd(RequestOutcome outcome) {
        sink.accept(new RequestRecord(startMillis, direction, method, authority, path, protocol, remote, peerIdentity,
                userAgent, requestId, traceId, dstService, route, cluster, outcome));
    }
}
