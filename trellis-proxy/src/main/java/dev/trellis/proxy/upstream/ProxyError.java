package dev.trellis.proxy.upstream;

/**
 * Why the proxy answered a request itself. The code goes into the {@code trellis-error} response header
 * and the metrics, so callers and operators see the cause without reading logs.
 */
public enum ProxyError {
    NO_ROUTE(503, "no-route", 14),
    NO_ENDPOINTS(503, "no-endpoints", 14),
    CONNECT_REFUSED(502, "connect-refused", 14),
    CONNECT_TIMEOUT(504, "connect-timeout", 14),
    UPSTREAM_RESET(502, "upstream-reset", 14),
    UPSTREAM_TIMEOUT(504, "upstream-timeout", 4),
    REQUEST_TIMEOUT(504, "request-timeout", 4),
    OVERFLOW(503, "overflow", 14),
    RATE_LIMITED(429, "rate-limited", 8),
    FAULT_INJECTED(503, "fault-injected", 14),
    DRAINING(503, "draining", 14),
    BAD_REQUEST(400, "bad-request", 13),
    URI_TOO_LONG(414, "uri-too-long", 13),
    HEADERS_TOO_LARGE(431, "headers-too-large", 13);

    public static final String HEADER = "trellis-error";

    private final int status;
    private final String code;
    private final int grpcStatus;

    ProxyError(int status, String code, int grpcStatus) {
        this.status = status;
        this.code = code;
        this.grpcStatus = grpcStatus;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** The gRPC status a gRPC caller sees instead (UNAVAILABLE, DEADLINE_EXCEEDED, INTERNAL). */
    public int grpcStatus() {
        return grpcStatus;
    }

    /** Nothing reached the endpoint: safe to try another one. */
    public boolean retryableOnAnotherEndpoint() {
        return this == CONNECT_REFUSED || this == CONNECT_TIMEOUT;
    }
}
