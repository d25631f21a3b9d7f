package dev.trellis.controlplane.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.trellis.controlplane.telemetry.Durations;
import dev.trellis.controlplane.telemetry.MeshStats;
import dev.trellis.controlplane.telemetry.MetricsScraper;
import dev.trellis.controlplane.telemetry.TrafficSummary;
import dev.trellis.controlplane.xds.ProxyStream;
import dev.trellis.controlplane.xds.ProxyStreams;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * GET /api/v1/stats?window=30s[&amp;service=NAME]: requests per second, success rate and latency
 * percentiles per service (server side), per edge and per route (client side), from the proxies' scraped
 * metrics.
 */
final class StatsHandler implements HttpHandler {
    static final String PATH = "/api/v1/stats";
    static final Duration DEFAULT_WINDOW = Duration.ofSeconds(30);

    private final MetricsScraper scraper;
    private final ProxyStreams streams;

    StatsHandler(MetricsScraper scraper, ProxyStreams streams) {
        this.scraper = scraper;
        this.streams = streams;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if (!ex.getRequestMethod().equals("GET")) {
                Exchanges.json(ex, 405, Json.error("method " + ex.getRequestMethod() + " (expected: GET)"));
                return;
            }
            Map<String, String> q = Exchanges.query(ex);
            Duration window;
            MeshStats stats;
            try {
                window = q.containsKey("window") ? Durations.parse("window", q.get("window")) : DEFAULT_WINDOW;
                stats = MeshStats.of(scraper.window(window), connected(), Optional.ofNullable(q.get("service")).filter(s -> !s.isEmpty()));
            } catch (IllegalArgumentException e) {
                Exchanges.json(ex, 400, Json.error(e.getMessage()));
                return;
            }
            Exchanges.json(ex, 200, render(stats));
        }
    }

    /** Connected Trellis sidecars per service, whether or not they can be scraped. */
    private Map<String, Integer> connected() {
        Map<String, Integer> out = new TreeMap<>();
        for (ProxyStream s : streams.streams()) {
            s.identity().ifPresent(i -> out.merge(i.proxy().serviceName(), 1, Integer::sum));
        }
        return out;
    }

    static ObjectNode render(MeshStats stats) {
        ObjectNode out = Json.object()
                .put("window", Durations.format(stats.window()))
                .put("generatedAt", stats.generatedAt().toString());
        var services = out.putArray("services");
        for (MeshStats.ServiceRow r : stats.services()) {
            traffic(services.addObject().put("name", r.name()).put("meshed", r.meshed()).put("proxies", r.proxies()), r.traffic());
        }
        var edges = out.putArray("edges");
        for (MeshStats.EdgeRow r : stats.edges()) {
            traffic(edges.addObject().put("source", r.source()).put("destination", r.destination()), r.traffic());
        }
        var routes = out.putArray("routes");
        for (MeshStats.RouteRow r : stats.routes()) {
            traffic(routes.addObject().put("service", r.service()).put("route", r.route()), r.traffic());
        }
        return out;
    }

    private static void traffic(ObjectNode row, TrafficSummary t) {
        row.put("rps", round(t.rps()));
        row.put("successRate", t.successRate());
        ObjectNode latency = row.putObject("latencyMs");
        latency.put("p50", round(t.p50()));
        latency.put("p95", round(t.p95()));
        latency.put("p99", round(t.p99()));
        row.put("requests", t.requests());
    }

    /** Three decimals are plenty for people and dashboards. */
    private static Double round(Double v) {
        return v == null ? null : Math.round(v * 1000) / 1000.0;
    }
}
