package dev.trellis.proxy.telemetry;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpRequest;

/** A source of {@link RequestObserver}s: a tracer, an access log, a tap. */
public interface RequestTelemetry {

    /**
     * Called when a request head arrives, before routing; returns null to leave this request alone.
     *
     * @param direction  "inbound" or "outbound"
     * @param request    the head as received (read it, do not keep it: later changes are not for observers)
     * @param downstream the caller's channel (an HTTP/2 stream's parent carries the connection and TLS)
     */
    RequestObserver observe(String direction, HttpRequest request, Channel downstream);
}
