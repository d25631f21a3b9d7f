package dev.trellis.proxy.telemetry.tap;

import dev.trellis.proxy.telemetry.RequestOutcome;
import dev.trellis.proxy.telemetry.accesslog.JsonLine;
import dev.trellis.proxy.telemetry.accesslog.RequestRecord;

/**
 * A tap event: one JSON object per finished request. Its field names are a contract read by the CLI and the control
 * plane; add fields, never rename them.
 */
final class TapEvent {
    private TapEvent() {
    }

    /** @param service the proxy's own service: the source of its outbound requests, the destination of inbound ones */
    static String json(RequestRecord r, String service) {
        RequestOutcome o = r.outcome();
        boolean outbound = "outbound".equals(r.direction());
        String source = r.peerIdentity() != null ? r.peerIdentity() : r.remoteAddress();
        String sourceService = outbound ? service : serviceOf(r.peerIdentity());
        String destination = r.dstService() != null || outbound ? r.dstService() : service;
        return new JsonLine(new StringBuilder(512))
                .timestamp("ts", r.startMillis())
                .string("direction", r.direction())
                .string("method", r.method())
                .string("authority", r.authority())
                .string("path", r.path())
                .number("status", o.status())
                .number("grpcStatus", r.grpcStatus())
                .millis("latencyMs", o.durationNanos())
                .number("bytesIn", o.requestBytes())
                .number("bytesOut", o.responseBytes())
                .string("source", source)
                .string("sourceService", sourceService)
                .string("destination", destination)
                .string("route", r.route())
                .string("endpoint", o.endpoint())
                .string("error", o.proxyError())
                .string("responseFlags", r.responseFlags())
                .string("traceId", r.traceId())
                .endLine()
                .toString();
    }

    /** "web" of "spiffe://cluster.local/ns/default/sa/web" (mesh identities name the service account); else null. */
    static String serviceOf(String spiffeId) {
        if (spiffeId == null) {
            return null;
        }
        int sa = spiffeId.lastIndexOf("/sa/");
        if (sa < 0 || sa + 4 >= spiffeId.length()) {
            return null;
        }
        String name = spiffeId.substring(sa + 4);
        return name.indexOf('/') >= 0 ? null : name;
    }
}
