package dev.trellis.proxy.telemetry;

import io.netty.handler.codec.http.HttpHeaders;

/**
 * Follows one proxied HTTP request from its route to its end, for tracing, access logs and tap. Every call
 * comes on the request's event loop, so an observer needs no locks; it must not block either.
 */
public interface RequestObserver {

    /** The request matched a route: its destination service, route name and the cluster picked. */
    default void onRoute(String dstService, String route, String cluster) {
    }

    /**
     * An attempt is about to send the request to {@code endpoint} (host:port). {@code upstreamHeaders} are the
     * headers that will be sent, and may be changed (a tracer sets its context here). Attempts count from 1.
     */
    default void onAttempt(int attempt, String endpoint, HttpHeaders upstreamHeaders) {
    }

    /** Attempt {@code attempt} failed and another will follow; {@code reason} as in retry_attempts_total. */
    default void onRetry(int attempt, String reason) {
    }

    /** The response head reached the caller (not called for responses the proxy made itself). */
    default void onResponseHeaders(int status, HttpHeaders responseHeaders) {
    }

    /** The exchange is over, answered or not. Called exactly once. */
    void onEnd(RequestOutcome outcome);
}
