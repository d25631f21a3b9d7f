package dev.trellis.proxy.telemetry;

/**
 * How one proxied request ended.
 *
 * @param status          the HTTP status sent to the caller; 0 when none was (the exchange was cut)
 * @param grpcStatus      the grpc-status sent, or null for non-gRPC responses
 * @param proxyError      the {@code trellis-error} cause when the proxy made or cut the response, else null
 * @param aborted         true when the response was cut short or the caller went away
 * @param durationNanos   from the request head arriving to the exchange's end
 * @param upstreamNanos   from the request head arriving to the upstream's response head; -1 without one
 * @param requestBytes    request body bytes received from the caller
 * @param responseBytes   response body bytes sent to the caller
 * @param attempts        attempts started upstream (retries are attempts - 1)
 * @param endpoint        host:port of the last attempt's endpoint, or null when none was tried
 */
public record RequestOutcome(
        int status,
        String grpcStatus,
        String proxyError,
        boolean aborted,
        long durationNanos,
        long upstreamNanos,
        long requestBytes,
        long responseBytes,
        int attempts,
        String endpoint) {

    /** Linkerd's rule, as in response_total's classification: 5xx, a gRPC server error or no response fails. */
    public boolean success() {
        if (status == 0 || status >= 500 || aborted) {
            return false;
        }
        if (grpcStatus == null) {
            return true;
        }
        switch (grpcStatus.trim()) {
            case "2": case "4": case "7": case "8": case "12": case "13": case "14": case "15":
                return false;
            default:
                return true;
        }
    }
}
