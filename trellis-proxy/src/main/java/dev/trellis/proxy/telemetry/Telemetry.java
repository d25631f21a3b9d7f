package dev.trellis.proxy.telemetry;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The proxy's {@link RequestTelemetry} sources. With none installed (or none interested in a request) a request
 * gets no observer at all, so the request path pays one volatile read.
 */
public final class Telemetry {
    private volatile RequestTelemetry[] sources = new RequestTelemetry[0];

    /** Installs a source; it sees requests that start from now on. */
    public synchronized void add(RequestTelemetry source) {
        List<RequestTelemetry> next = new ArrayList<>(List.of(sources));
        next.add(Objects.requireNonNull(source));
        sources = next.toArray(new RequestTelemetry[0]);
    }

    public synchronized void remove(RequestTelemetry source) {
        List<RequestTelemetry> next = new ArrayList<>(List.of(sources));
        next.remove(source);
        sources = next.toArray(new RequestTelemetry[0]);
    }

    /** The observer of a new request, or null when no source wants it. */
    public RequestObserver observe(String direction, HttpRequest request, Channel downstream) {
        RequestTelemetry[] all = sources;
        RequestObserver single = null;
        List<RequestObserver> many = null;
        for (RequestTelemetry source : all) {
            RequestObserver o = source.observe(direction, request, downstream);
            if (o == null) {
                continue;
            }
            if (single == null) {
                single = o;
            } else {
                if (many == null) {
                    many = new ArrayList<>(all.length);
                    many.add(single);
                }
                many.add(o);
            }
        }
        return many == null ? single : new Composite(many.toArray(new RequestObserver[0]));
    }

    /**
     * Reports a request answered before it could be proxied (malformed, or denied by authorization): observers see
     * it start and end at once, with the proxy's own response.
     *
     * @param cause the {@code trellis-error} cause of the response
     */
    public void reportRejected(String direction, HttpRequest request, Channel downstream, HttpResponse response, String cause) {
        RequestObserver o = observe(direction, request, downstream);
        if (o == null) {
            return;
        }
        long bytes = response instanceof HttpContent content ? content.content().readableBytes() : 0;
        String grpcStatus = response.headers().get("grpc-status");
        o.onEnd(new RequestOutcome(response.status().code(), grpcStatus, cause, false, 0, -1, 0, bytes, 0, null));
    }

    private static final class Composite implements RequestObserver {
        private final RequestObserver[] observers;

        Composite(RequestObserver[] observers) {
            this.observers = observers;
        }

        @Override
        public void onRoute(String dstService, String route, String cluster) {
            for (RequestObserver o : observers) {
                o.onRoute(dstService, route, cluster);
            }
        }

        @Override
        public void onAttempt(int attempt, String endpoint, HttpHeaders upstreamHeaders) {
            for (RequestObserver o : observers) {
                o.onAttempt(attempt, endpoint, upstreamHeaders);
            }
        }

        @Override
        public void onRetry(int attempt, String reason) {
            for (RequestObserver o : observers) {
                o.onRetry(attempt, reason);
            }
        }

        @Override
        public void onResponseHeaders(int status, HttpHeaders responseHeaders) {
            for (RequestObserver o : observers) {
                o.onResponseHeaders(status, responseHeaders);
            }
        }

        @Override
        public void onEnd(RequestOutcome outcome) {
            for (RequestObserver o : observers) {
                o.onEnd(outcome);
            }
        }
    }
}
