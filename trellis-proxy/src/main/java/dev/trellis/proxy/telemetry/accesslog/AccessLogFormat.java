package dev.trellis.proxy.telemetry.accesslog;

import dev.trellis.proxy.telemetry.RequestOutcome;

/**
 * One access log line per request: a JSON object with Envoy's field names in snake case, so a log pipeline built
 * for Envoy's JSON access logs reads it with few changes.
 */
final class AccessLogFormat {
    private AccessLogFormat() {
    }

    static void append(StringBuilder out, RequestRecord r) {
        RequestOutcome o = r.outcome();
        new JsonLine(out)
                .timestamp("start_time", r.startMillis())
                .string("direction", r.direction())
                .string("method", r.method())
                .string("authority", r.authority())
                .string("path", r.path())
                .string("protocol", r.protocol())
                .number("status", o.status())
                .number("grpc_status", r.grpcStatus())
                .string("response_flags", r.responseFlags())
                .string("trellis_error", o.proxyError())
                .millis("duration_ms", o.durationNanos())
                .millis("upstream_service_time_ms", o.upstreamNanos())
                .number("bytes_received", o.requestBytes())
                .number("bytes_sent", o.responseBytes())
                .number("attempts", o.attempts())
                .string("upstream_host", o.endpoint())
                .string("upstream_cluster", r.cluster())
                .string("route", r.route())
                .string("dst_service", r.dstService())
                .string("downstream_remote_address", r.remoteAddress())
                .string("peer_identity", r.peerIdentity())
                .string("user_agent", r.userAgent())
                .string("x_request_id", r.requestId())
                .string("trace_id", r.traceId())
                .endLine();
    }
}
