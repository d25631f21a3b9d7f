package dev.trellis.proxy.xds;

import dev.trellis.proxy.config.IdleTimeouts;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import java.time.Duration;

/**
 * An HTTP connection manager's downstream idle timeouts, with Envoy's defaults: common_http_protocol_options.idle_timeout
 * (unset: 1 h) and stream_idle_timeout (unset: 5 min); 0s disables either. Every HTTP chain of a listener must agree,
 * since the proxy applies one value per listener.
 */
final class IdleTimeoutDecoder {
    private IdleTimeoutDecoder() {}

    /** @param previous what an earlier chain of the same listener said, or null */
    static IdleTimeouts decode(HttpConnectionManager hcm, IdleTimeouts previous, String name, String field) {
        Duration connection = hcm.getCommonHttpProtocolOptions().hasIdleTimeout()
                ? Durations.of(hcm.getCommonHttpProtocolOptions().getIdleTimeout(), ListenerDecoder.TYPE, name,
                        field + ".common_http_protocol_options.idle_timeout")
                : IdleTimeouts.DEFAULT_CONNECTION;
        Duration stream = hcm.hasStreamIdleTimeout()
                ? Durations.of(hcm.getStreamIdleTimeout(), ListenerDecoder.TYPE, name, field + ".stream_idle_timeout")
                : IdleTimeouts.DEFAULT_STREAM;
        IdleTimeouts decoded = new IdleTimeouts(connection, stream);
        if (previous != null && !previous.equals(decoded)) {
            throw new XdsResourceException(ListenerDecoder.TYPE, name, field + ": idle timeouts " + describe(decoded)
                    + " (expected: " + describe(previous) + ", as in the listener's other chain)");
        }
        return decoded;
    }

    private static String describe(IdleTimeouts t) {
        return "idle_timeout " + t.connection() + ", stream_idle_timeout " + t.stream();
    }
}
