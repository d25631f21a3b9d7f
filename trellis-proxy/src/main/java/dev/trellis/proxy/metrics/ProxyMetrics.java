package dev.trellis.proxy.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The proxy's metrics, written in the Prometheus text format with Linkerd's names: request_total,
 * response_total and response_latency_ms (labels direction, src_service, dst_service, route, tls, client_id
 * inbound or server_id outbound, status_code, grpc_status, classification), tcp_open_total, tcp_close_total,
 * tcp_open_connections, tcp_read_bytes_total, tcp_write_bytes_total, plus the proxy's own health. Every
 * family is written once, with its # HELP and # TYPE lines ({@link MetricFamilies}).
 */
public final class ProxyMetrics {
    private final String service;
    private final Map<String, RouteStats> routes = new ConcurrentHashMap<>();
    private final Map<String, TcpStats> tcp = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final Map<String, Supplier<Number>> gauges = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();
    private final Map<String, Consumer<Samples>> families = new ConcurrentHashMap<>();

    /** Where a family registered with {@link #family} writes its series at scrape time. */
    public interface Samples {
        /** @param labels {@code name="value",...} (escaped with {@link #escape}), or "" for none */
        void add(String labels, Number value);
    }

    public ProxyMetrics(String service) {
        this.service = service;
        ProcessMetrics.register(this);
    }

    /**
     * The counters of a route, without peer labels: the hot path takes {@link RouteStats#forPeer} of it, which
     * adds tls and client_id (inbound) or server_id (outbound).
     */
    public RouteStats route(String direction, String dstService, String route) {
        String labels = "direction=\"" + direction + "\",src_service=\"" + escape(service) + "\",dst_service=\""
                + escape(dstService) + "\",route=\"" + escape(route) + "\"";
        return routes.computeIfAbsent(labels, l -> new RouteStats(l, peerLabel(direction), this::routeVariant));
    }

    /** The counters of a route's rate limit and fault injection (labels direction, dst_service, route). */
    public RoutePolicyCounters routePolicies(String direction, String dstService, String route) {
        return new RoutePolicyCounters(this, "direction=\"" + direction + "\",dst_service=\"" + escape(dstService)
                + "\",route=\"" + escape(route) + "\"");
    }

    private RouteStats routeVariant(String labels) {
        return routes.computeIfAbsent(labels, l -> new RouteStats(l, null, null));
    }

    /** TCP counters of a connection without mutual TLS. */
    public TcpStats tcp(String direction, String dstService) {
        return tcp(direction, dstService, null);
    }

    /**
     * TCP counters of a connection.
     *
     * @param peerIdentity inbound the client's SPIFFE ID, outbound the server's; null without mutual TLS
     */
    public TcpStats tcp(String direction, String dstService, String peerIdentity) {
        String labels = "direction=\"" + direction + "\",src_service=\"" + escape(service) + "\",dst_service=\""
                + escape(dstService) + "\"," + peerLabels(peerLabel(direction), peerIdentity);
        TcpStats s = tcp.get(labels);
        return s != null ? s : tcp.computeIfAbsent(labels, TcpStats::new);
    }

    /** "client_id" inbound (who called), "server_id" outbound (who answered), as Linkerd names them. */
    static String peerLabel(String direction) {
        return "inbound".equals(direction) ? "client_id" : "server_id";
    }

    /** {@code tls="true",client_id="spiffe://..."}, or {@code tls="false",client_id=""} without an identity. */
    static String peerLabels(String peerLabel, String identity) {
        return identity == null ? "tls=\"false\"," + peerLabel + "=\"\""
                : "tls=\"true\"," + peerLabel + "=\"" + escape(identity) + "\"";
    }

    /** Counts a proxy-generated error response by its cause (no_route, connect_refused, ...). */
    public void proxyError(String direction, String cause) {
        errors.computeIfAbsent("direction=\"" + direction + "\",cause=\"" + cause + "\"", k -> new LongAdder()).increment();
    }

    /** A counter written as {@code name{labels}}; the same name and labels give the same counter. */
    public LongAdder counter(String name, String labels) {
        return counters.computeIfAbsent(name + "{" + labels + "}", k -> new LongAdder());
    }

    /** One series, {@code name} or {@code name{labels}}, read at scrape time. */
    public void gauge(String nameAndLabels, Supplier<Number> value) {
        gauges.put(nameAndLabels, value);
    }

    /**
     * A family whose series are only known at scrape time (labels taken from the current state, say the
     * identity in force); {@code source} runs on the scraping thread and adds none, one or several series.
     */
    public void family(String name, Consumer<Samples> source) {
        families.put(name, source);
    }

    public String scrape() {
        StringBuilder out = new StringBuilder(16384);
        writeRoutes(out);
        writeTcp(out);
        // everything else, grouped by family whichever way it was registered, in name order
        Map<String, List<String>> byFamily = new TreeMap<>();
        errors.forEach((labels, n) -> sample(byFamily, "proxy_errors_total", labels, n.sum()));
        counters.forEach((series, n) -> series(byFamily, series, n.sum()));
        gauges.forEach((series, value) -> series(byFamily, series, value.get()));
        families.forEach((name, source) -> source.accept((labels, value) -> sample(byFamily, name, labels, value)));
        byFamily.forEach((name, lines) -> {
            MetricFamilies.header(out, name);
            lines.forEach(l -> out.append(l).append('\n'));
        });
        return out.toString();
    }

    private void writeRoutes(StringBuilder out) {
        MetricFamilies.header(out, "request_total");
        routes.values().forEach(r -> {
            long n = r.requests.sum();
            if (n > 0) {
                out.append("request_total{").append(r.labels).append("} ").append(n).append('\n');
            }
        });
        MetricFamilies.header(out, "response_total");
        routes.values().forEach(r -> r.forEachResponse(s -> out.append("response_total{").append(responseLabels(r, s))
                .append("} ").append(s.total.sum()).append('\n')));
        MetricFamilies.header(out, "response_latency_ms");
        routes.values().forEach(r -> r.forEachResponse(s -> s.latency.write(out, "response_latency_ms", responseLabels(r, s))));
    }

    private void writeTcp(StringBuilder out) {
        MetricFamilies.header(out, "tcp_open_total");
        tcp.values().forEach(t -> out.append("tcp_open_total{").append(t.labels).append("} ").append(t.opened.sum()).append('\n'));
        MetricFamilies.header(out, "tcp_close_total");
        tcp.values().forEach(t -> out.append("tcp_close_total{").append(t.labels).append("} ").append(t.closed.sum()).append('\n'));
        MetricFamilies.header(out, "tcp_open_connections");
        tcp.values().forEach(t -> out.append("tcp_open_connections{").append(t.labels).append("} ")
                .append(t.opened.sum() - t.closed.sum()).append('\n'));
        MetricFamilies.header(out, "tcp_read_bytes_total");
        tcp.values().forEach(t -> out.append("tcp_read_bytes_total{").append(t.labels).append("} ").append(t.readBytes.sum()).append('\n'));
        MetricFamilies.header(out, "tcp_write_bytes_total");
        tcp.values().forEach(t -> out.append("tcp_write_bytes_total{").append(t.labels).append("} ").append(t.writeBytes.sum()).append('\n'));
    }

    /** {@code series} is "name" or "name{labels}". */
    private static void series(Map<String, List<String>> byFamily, String series, Number value) {
        int brace = series.indexOf('{');
        String name = brace < 0 ? series : series.substring(0, brace);
        byFamily.computeIfAbsent(name, k -> new ArrayList<>()).add(series + ' ' + format(value));
    }

    private static void sample(Map<String, List<String>> byFamily, String name, String labels, Number value) {
        byFamily.computeIfAbsent(name, k -> new ArrayList<>())
                .add(labels.isEmpty() ? name + ' ' + format(value) : name + '{' + labels + "} " + format(value));
    }

    /** A sample value as the text format spells it: integers without a fraction, +Inf, -Inf, NaN. */
    static String format(Number value) {
        if (value == null) {
            return "NaN";
        }
        if (value instanceof Double || value instanceof Float) {
            double d = value.doubleValue();
            if (Double.isNaN(d)) {
                return "NaN";
            }
            if (Double.isInfinite(d)) {
                return d > 0 ? "+Inf" : "-Inf";
            }
            double abs = Math.abs(d);
            if (d == Math.rint(d) && abs < 1e15) {
                return Long.toString((long) d);
            }
            // 1795658777.864 rather than 1.795658777864E9: both parse, the first reads better
            return abs >= 1e-6 && abs < 1e15 ? java.math.BigDecimal.valueOf(d).toPlainString() : Double.toString(d);
        }
        return value.toString();
    }

    private static String responseLabels(RouteStats r, ResponseStats s) {
        return r.labels + ",status_code=\"" + s.statusCode + "\",grpc_status=\"" + (s.grpcStatus == null ? "" : s.grpcStatus)
                + "\",classification=\"" + (s.success ? "success" : "failure") + "\"";
    }

    /** A label value as the text format requires: backslash, double quote and line feed escaped. */
    public static String escape(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
