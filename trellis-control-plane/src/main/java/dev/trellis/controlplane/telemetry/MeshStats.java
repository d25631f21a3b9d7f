package dev.trellis.controlplane.telemetry;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The mesh's golden signals over a window, the way {@code linkerd viz stat} reads them: a service's row
 * is what its own proxies answered on their inbound side (the server's view); an edge is what callers'
 * proxies saw on their outbound side (src_service → dst_service); a route row is outbound traffic by
 * destination and route. A destination without proxies appears unmeshed, measured by its callers.
 */
public record MeshStats(Duration window, Instant generatedAt, List<ServiceRow> services, List<EdgeRow> edges, List<RouteRow> routes) {
    public MeshStats {
        services = List.copyOf(services);
        edges = List.copyOf(edges);
        routes = List.copyOf(routes);
    }

    /** @param proxies the connected proxies, 0 for a service seen only as a destination or through gone proxies */
    public record ServiceRow(String name, boolean meshed, int proxies, TrafficSummary traffic) {}

    public record EdgeRow(String source, String destination, TrafficSummary traffic) {}

    public record RouteRow(String service, String route, TrafficSummary traffic) {}

    /**
     * @param connected the connected proxies per service (every meshed service, traffic or not)
     * @param service   only this service's row, its edges in and out, and the routes to it
     */
    public static MeshStats of(TrafficWindow w, Map<String, Integer> connected, Optional<String> service) {
        Map<String, Traffic.Sum> inbound = new TreeMap<>();
        Map<String, Boolean> meshed = new TreeMap<>();
        Map<List<String>, Traffic.Sum> edges = new TreeMap<>(ListOrder.INSTANCE);
        Map<List<String>, Traffic.Sum> routes = new TreeMap<>(ListOrder.INSTANCE);
        Map<String, Traffic.Sum> toUnmeshed = new TreeMap<>();
        connected.keySet().forEach(s -> meshed.put(s, true));
        for (TrafficWindow.ProxyTraffic p : w.proxies()) {
            meshed.put(p.target().service(), true);
        }
        for (TrafficWindow.ProxyTraffic p : w.proxies()) {
            String own = p.target().service();
            inbound.computeIfAbsent(own, k -> new Traffic.Sum());
            for (ScrapeDelta d : p.deltas()) {
                d.traffic().forEach((k, t) -> {
                    if (k.direction().equals(TrafficKey.INBOUND)) {
                        inbound.get(own).add(t);
                    } else if (k.direction().equals(TrafficKey.OUTBOUND)) {
                        String source = k.source().isEmpty() ? own : k.source();
                        edges.computeIfAbsent(List.of(source, k.destination()), x -> new Traffic.Sum()).add(t);
                        routes.computeIfAbsent(List.of(k.destination(), k.route()), x -> new Traffic.Sum()).add(t);
                        if (!k.destination().isEmpty() && !meshed.containsKey(k.destination())) {
                            toUnmeshed.computeIfAbsent(k.destination(), x -> new Traffic.Sum()).add(t);
                        }
                    }
                });
            }
        }
        double seconds = w.covered().toMillis() / 1000.0;
        List<ServiceRow> serviceRows = new ArrayList<>();
        meshed.keySet().forEach(name -> serviceRows.add(new ServiceRow(name, true, connected.getOrDefault(name, 0),
                TrafficSummary.of(inbound.getOrDefault(name, new Traffic.Sum()).traffic(), seconds))));
        toUnmeshed.forEach((name, sum) -> serviceRows.add(new ServiceRow(name, false, 0, TrafficSummary.of(sum.traffic(), seconds))));
        serviceRows.sort(java.util.Comparator.comparing(ServiceRow::name));
        List<EdgeRow> edgeRows = new ArrayList<>();
        edges.forEach((k, sum) -> edgeRows.add(new EdgeRow(k.get(0), k.get(1), TrafficSummary.of(sum.traffic(), seconds))));
        List<RouteRow> routeRows = new ArrayList<>();
        routes.forEach((k, sum) -> routeRows.add(new RouteRow(k.get(0), k.get(1), TrafficSummary.of(sum.traffic(), seconds))));
        if (service.isPresent()) {
            String s = service.get();
            serviceRows.removeIf(r -> !r.name().equals(s));
            edgeRows.removeIf(r -> !r.source().equals(s) && !r.destination().equals(s));
            routeRows.removeIf(r -> !r.service().equals(s));
        }
        return new MeshStats(w.window(), w.now(), serviceRows, edgeRows, routeRows);
    }

    /** Orders keys of several names name by name. */
    private enum ListOrder implements java.util.Comparator<List<String>> {
        INSTANCE;

        @Override
        public int compare(List<String> a, List<String> b) {
            for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
                int c = a.get(i).compareTo(b.get(i));
                if (c != 0) {
                    return c;
                }
            }
            return Integer.compare(a.size(), b.size());
        }
    }
}
