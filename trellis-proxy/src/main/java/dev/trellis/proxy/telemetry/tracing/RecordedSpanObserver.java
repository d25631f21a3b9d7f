package dev.trellis.proxy.telemetry.tracing;

import dev.trellis.proxy.telemetry.RequestObserver;
import dev.trellis.proxy.telemetry.RequestOutcome;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;

/**
 * One sampled request as a span: CLIENT on the outbound listener, SERVER on the inbound one, child of the caller's
 * context. Each attempt upstream carries this span as its parent; each retry is a "retry" event; the span ends when
 * the exchange does, however it ends.
 */
final class RecordedSpanObserver implements RequestObserver {
    private final Span span;
    private final TracePropagation.Extracted caller;
    private final TraceContext context;
    private final boolean outbound;
    private final String method;
    private final String path;
    private boolean ended;

    RecordedSpanObserver(Tracer tracer, String direction, HttpRequest request, TracePropagation.Extracted caller) {
        this.caller = caller;
        this.outbound = !"inbound".equals(direction);
        this.method = request.method().name();
        this.path = SpanNames.path(request.uri());
        SpanBuilder b = tracer.spanBuilder(SpanNames.of(method, null, path))
                .setSpanKind(outbound ? SpanKind.CLIENT : SpanKind.SERVER)
                .setAttribute(SpanAttributes.HTTP_REQUEST_METHOD, method)
                .setAttribute(SpanAttributes.URL_PATH, path)
                .setAttribute(SpanAttributes.TRELLIS_DIRECTION, direction);
        HostPort server = HostPort.parse(authority(request.headers()));
        if (server != null) {
            b.setAttribute(SpanAttributes.SERVER_ADDRESS, server.host());
            if (server.port() > 0) {
                b.setAttribute(SpanAttributes.SERVER_PORT, (long) server.port());
            }
        }
        TraceContext parent = caller.parent();
        if (parent != null) {
            SpanContext remote = SpanContext.createFromRemoteParent(parent.traceId(), parent.spanId(), TraceFlags.getSampled(),
                    TraceState.getDefault());
            b.setParent(Context.root().with(Span.wrap(remote)));
        } else {
            b.setNoParent();
        }
        this.span = b.startSpan();
        SpanContext own = span.getSpanContext();
        this.context = new TraceContext(own.getTraceId(), own.getSpanId(), true, parent == null ? null : parent.traceState());
    }

    private static String authority(HttpHeaders h) {
        String host = h.get(HttpHeaderNames.HOST);
        return host != null ? host : h.get(":authority");
    }

    /** This span's context, as the next hop sees its parent. */
    TraceContext context() {
        return context;
    }

    @Override
    public void onRoute(String dstService, String route, String cluster) {
        span.updateName(SpanNames.of(method, route, path));
        span.setAttribute(SpanAttributes.TRELLIS_ROUTE, route);
        span.setAttribute(SpanAttributes.TRELLIS_CLUSTER, cluster);
        span.setAttribute(SpanAttributes.TRELLIS_DST_SERVICE, dstService);
        if (outbound) {
            // the remote side of a client span; a server span's remote side is its caller, which it does not know
            span.setAttribute(SpanAttributes.PEER_SERVICE, dstService);
        }
    }

    @Override
    public void onAttempt(int attempt, String endpoint, HttpHeaders upstreamHeaders) {
        HostPort peer = HostPort.parse(endpoint);
        if (peer != null) {
            span.setAttribute(SpanAttributes.NETWORK_PEER_ADDRESS, peer.host());
            if (peer.port() > 0) {
                span.setAttribute(SpanAttributes.NETWORK_PEER_PORT, (long) peer.port());
            }
        }
        TracePropagation.inject(upstreamHeaders, context, caller.parent() == null ? null : caller.parent().spanId(), caller);
        RequestIds.ensure(upstreamHeaders);
    }

    @Override
    public void onRetry(int attempt, String reason) {
        span.addEvent("retry", Attributes.of(SpanAttributes.ATTEMPT, (long) attempt, SpanAttributes.REASON, reason));
    }

    @Override
    public void onEnd(RequestOutcome outcome) {
        if (ended) {
            return;
        }
        ended = true;
        if (outcome.status() > 0) {
            span.setAttribute(SpanAttributes.HTTP_RESPONSE_STATUS_CODE, (long) outcome.status());
        }
        if (outcome.grpcStatus() != null) {
            span.setAttribute(SpanAttributes.RPC_SYSTEM, "grpc");
            try {
                span.setAttribute(SpanAttributes.RPC_GRPC_STATUS_CODE, Long.parseLong(outcome.grpcStatus().trim()));
            } catch (NumberFormatException e) {
                // a malformed grpc-status is the application's; the HTTP status still tells
            }
        }
        if (outcome.attempts() > 1) {
            span.setAttribute(SpanAttributes.TRELLIS_ATTEMPTS, (long) outcome.attempts());
        }
        if (outcome.proxyError() != null) {
            span.setAttribute(SpanAttributes.TRELLIS_ERROR, outcome.proxyError());
            span.setStatus(StatusCode.ERROR, outcome.proxyError());
        } else if (outcome.status() >= 500) {
            span.setStatus(StatusCode.ERROR, "HTTP " + outcome.status());
        } else if (outcome.aborted()) {
            span.setStatus(StatusCode.ERROR, outcome.status() == 0 ? "aborted before a response" : "response cut short");
        }
        span.end();
    }
}
