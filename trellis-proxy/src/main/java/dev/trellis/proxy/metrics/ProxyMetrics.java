package dev.trellis.proxy.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The proxy's metrics, written in the Prometheus text format with Linkerd's names: request_total,
 * response_total and response_latency_ms (labels direction, dst_service, route, status_code,
 * grpc_status, classification), tcp_open_total, tcp_close_total, tcp_open_connections,
 * tcp_read_bytes_total, tcp_write_bytes_total, plus the proxy's own health.
 */
public final class ProxyMetrics {
    private final String service;
    private final Map<String, RouteStats> routes = new ConcurrentHashMap<>();
    private final Map<String, TcpStats> tcp = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final Map<String, Supplier<Number>> gauges = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();

    public ProxyMetrics(String service) {
        this.service = service;
    }

    public RouteStats route(String direction, String dstService, String route) {
        String labels = "direction=\"" + direction + "\",src_service=\"" + escape(service) + "\",dst_service=\""
                + escape(dstService) + "\",route=\"" + escape(route) + "\"";
        return routes.computeIfAbsent(labels, RouteStats::new);
    }

    public TcpStats tcp(String direction, String dstService) {
        String labels = "direction=\"" + direction + "\",src_service=\"" + escape(service) + "\",dst_service=\""
                + escape(dstService) + "\"";
        return tcp.computeIfAbsent(labels, TcpStats::new);
    }

    /** Counts a proxy-generated error response by its cause (no_route, connect_refused, ...). */
    public void proxyError(String direction, String cause) {
        errors.computeIfAbsent("direction=\"" + direction + "\",cause=\"" + cause + "\"", k -> new LongAdder()).increment();
    }

    /** A counter written as {@code name{labels}}; the same name and labels give the same counter. */
    public LongAdder counter(String name, String labels) {
        return counters.computeIfAbsent(name + "{" + labels + "}", k -> new LongAdder());
    }

    public void gauge(String nameAndLabels, Supplier<Number> value) {
        gauges.put(nameAndLabels, value);
    }

    public String scrape() {
        StringBuilder out = new StringBuilder(8192);
        out.append("# HELP request_total Requests received, by route.\n# TYPE request_total counter\n");
        routes.values().forEach(r -> {
            long n = r.requests.sum();
            if (n > 0) {
                out.append("request_total{").append(r.labels).append("} ").append(n).append('\n');
            }
        });
        out.append("# HELP response_total Responses sent, by route and status.\n# TYPE response_total counter\n");
        routes.values().forEach(r -> r.forEachResponse(s -> out.append("response_total{").append(responseLabels(r, s))
                .append("} ").append(s.total.sum()).append('\n')));
        out.append("# HELP response_latency_ms Time from request start to response end.\n"
                + "# TYPE response_latency_ms histogram\n");
        routes.values().forEach(r -> r.forEachResponse(s -> s.latency.write(out, "response_latency_ms", responseLabels(r, s))));
        out.append("# HELP proxy_errors_total Responses the proxy generated itself, by cause.\n"
                + "# TYPE proxy_errors_total counter\n");
        errors.forEach((labels, n) -> out.append("proxy_errors_total{").append(labels).append("} ").append(n.sum()).append('\n'));
        writeTcp(out);
        java.util.TreeMap<String, LongAdder> sorted = new java.util.TreeMap<>(counters);
        String lastName = null;
        for (Map.Entry<String, LongAdder> e : sorted.entrySet()) {
            String name = e.getKey().substring(0, e.getKey().indexOf('{'));
            if (!name.equals(lastName)) {
                out.append("# TYPE ").append(name).append(" counter\n");
                lastName = name;
            }
            out.append(e.getKey()).append(' ').append(e.getValue().sum()).append('\n');
        }
        gauges.forEach((name, value) -> out.append(name).append(' ').append(value.get()).append('\n'));
        return out.toString();
    }

    private void writeTcp(StringBuilder out) {
        out.append("# TYPE tcp_open_total counter\n");
        tcp.values().forEach(t -> out.append("tcp_open_total{").append(t.labels).append("} ").append(t.opened.sum()).append('\n'));
        out.append("# TYPE tcp_close_total counter\n");
        tcp.values().forEach(t -> out.append("tcp_close_total{").append(t.labels).append("} ").append(t.closed.sum()).append('\n'));
        out.append("# TYPE tcp_open_connections gauge\n");
        tcp.values().forEach(t -> out.append("tcp_open_connections{").append(t.labels).append("} ")
                .append(t.opened.sum() - t.closed.sum()).append('\n'));
        out.append("# TYPE tcp_read_bytes_total counter\n");
        tcp.values().forEach(t -> out.append("tcp_read_bytes_total{").append(t.labels).append("} ").append(t.readBytes.sum()).append('\n'));
        out.append("# TYPE tcp_write_bytes_total counter\n");
        tcp.values().forEach(t -> out.append("tcp_write_bytes_total{").append(t.labels).append("} ").append(t.writeBytes.sum()).append('\n'));
    }

    private static String responseLabels(RouteStats r, ResponseStats s) {
        return r.labels + ",status_code=\"" + s.statusCode + "\",grpc_status=\"" + (s.grpcStatus == null ? "" : s.grpcStatus)
                + "\",classification=\"" + (s.success ? "success" : "failure") + "\"";
    }

    static String escape(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
