package dev.trellis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code trellis top}'s numbers: tap events grouped by source, destination, method and path. Thread-safe. */
final class TopTable {
    /** gRPC statuses that mean the server failed, as the proxies classify them. */
    private static final Set<String> GRPC_FAILURES = Set.of("2", "4", "7", "8", "12", "13", "14", "15");

    record Key(String source, String destination, String method, String path) {}

    record Row(Key key, long count, double best, double worst, double last, long successes) {
        double successRate() {
            return count == 0 ? 0 : (double) successes / count;
        }
    }

    private final Map<Key, Row> rows = new HashMap<>();
    private long events;

    synchronized void add(JsonNode e) {
        Key key = new Key(source(e), destination(e), text(e, "method"), path(e));
        double latency = e.path("latencyMs").asDouble(0);
        long ok = success(e) ? 1 : 0;
        rows.merge(key, new Row(key, 1, latency, latency, latency, ok), (a, b) -> new Row(key, a.count + 1,
                Math.min(a.best, latency), Math.max(a.worst, latency), latency, a.successes + ok));
        events++;
    }

    synchronized long events() {
        return events;
    }

    /** Busiest first. */
    synchronized List<Row> rows() {
        List<Row> out = new ArrayList<>(rows.values());
        out.sort(Comparator.comparingLong(Row::count).reversed().thenComparing(r -> r.key().path()));
        return out;
    }

    static boolean success(JsonNode e) {
        if (!text(e, "error").isEmpty()) {
            return false;
        }
        String grpc = text(e, "grpcStatus");
        if (!grpc.isEmpty() && GRPC_FAILURES.contains(grpc)) {
            return false;
        }
        int status = e.path("status").asInt(0);
        return status > 0 && status < 500;
    }

    private static String source(JsonNode e) {
        String service = text(e, "sourceService");
        if (!service.isEmpty()) {
            return service;
        }
        String address = text(e, "source");
        int colon = address.lastIndexOf(':');
        return colon > 0 && address.indexOf(':') == colon ? address.substring(0, colon) : address.isEmpty() ? "-" : address;
    }

    private static String destination(JsonNode e) {
        String d = text(e, "destination");
        return d.isEmpty() ? text(e, "authority") : d;
    }

    /** The path without its query string: /items?id=3 and /items?id=4 are one row. */
    private static String path(JsonNode e) {
        String p = text(e, "path");
        int q = p.indexOf('?');
        return q >= 0 ? p.substring(0, q) : p;
    }

    private static String text(JsonNode e, String field) {
        JsonNode n = e.path(field);
        return n.isNull() || n.isMissingNode() ? "" : n.asText();
    }
}
