package dev.trellis.proxy.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How long downstream HTTP connections and requests of a listener may sit idle (Envoy's HTTP connection manager
 * common_http_protocol_options.idle_timeout and stream_idle_timeout, with Envoy's defaults); zero disables either.
 *
 * @param connection a connection with no request in flight for this long is closed (HTTP/2: GOAWAY first)
 * @param stream     a request that has seen no byte in either direction for this long is ended: 408 when no
 *                   response has started, else reset
 */
public record IdleTimeouts(Duration connection, Duration stream) {
    public static final Duration DEFAULT_CONNECTION = Duration.ofHours(1);
    public static final Duration DEFAULT_STREAM = Duration.ofMinutes(5);
    public static final IdleTimeouts DEFAULT = new IdleTimeouts(DEFAULT_CONNECTION, DEFAULT_STREAM);

    public IdleTimeouts {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(stream, "stream");
        if (connection.isNegative()) {
            throw new IllegalArgumentException("connection: " + connection + " (expected: >= 0)");
        }
        if (stream.isNegative()) {
            throw new IllegalArgumentException("stream: " + stream + " (expected: >= 0)");
        }
    }
}
