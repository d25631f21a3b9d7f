package dev.trellis.proxy.telemetry.accesslog;

import dev.trellis.proxy.upstream.ProxyError;
import java.util.HashMap;
import java.util.Map;

/**
 * Envoy's access log response flags, derived from the proxy's own error cause, so that tools reading Envoy access
 * logs read ours: NR no route, UH no healthy upstream, UF upstream connect failure, UR upstream reset, UT upstream
 * request timeout, UO upstream overflow (circuit breaker), RL rate limited, FI fault injected, LR refused locally
 * (the proxy is draining), DPE downstream protocol error, DC downstream disconnect; "-" when none.
 */
public final class ResponseFlags {
    public static final String NONE = "-";
    public static final String DOWNSTREAM_DISCONNECT = "DC";
    private static final Map<String, String> BY_CAUSE = new HashMap<>();

    static {
        for (ProxyError e : ProxyError.values()) {
            BY_CAUSE.put(e.code(), flag(e));
        }
        // answered by the listener's stream idle timer, not by an exchange
        BY_CAUSE.put("stream-idle-timeout", "SI");
    }

    private ResponseFlags() {
    }

    /** The flag of a {@code trellis-error} cause (null for none); a request the caller abandoned is DC. */
    public static String of(String proxyError, boolean aborted) {
        if (proxyError == null) {
            return aborted ? DOWNSTREAM_DISCONNECT : NONE;
        }
        return BY_CAUSE.getOrDefault(proxyError, NONE);
    }

    // a switch expression over the enum: a new cause does not compile until it has a flag
    static String flag(ProxyError e) {
        return switch (e) {
            case NO_ROUTE -> "NR";
            case NO_ENDPOINTS -> "UH";
            case CONNECT_REFUSED, CONNECT_TIMEOUT -> "UF";
            case UPSTREAM_RESET -> "UR";
            case UPSTREAM_TIMEOUT, REQUEST_TIMEOUT -> "UT";
            case OVERFLOW -> "UO";
            case RATE_LIMITED -> "RL";
            case FAULT_INJECTED -> "FI";
            case DRAINING -> "LR";
            case BAD_REQUEST, URI_TOO_LONG, HEADERS_TOO_LARGE -> "DPE";
        };
    }
}
