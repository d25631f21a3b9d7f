package dev.trellis.controlplane.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.trellis.config.xds.NodeIdentity;
import dev.trellis.controlplane.xds.ProxyStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * GET /api/v1/prometheus/targets: the admin endpoints (/metrics) of the sidecars connected over xDS, in
 * Prometheus' HTTP service discovery format: one target group per sidecar, labelled service, namespace,
 * node and, when the instance has one, version. A sidecar that did not say where its admin listener is,
 * and a proxyless client, are left out. When a sidecar has two streams (it re-registered and the old one
 * has not closed yet) the newer one names it, so each admin endpoint is scraped once.
 */
final class PrometheusTargetsHandler implements HttpHandler {
    static final String PATH = "/api/v1/prometheus/targets";

    private final Supplier<List<ProxyStream>> streams;

    PrometheusTargetsHandler(Supplier<List<ProxyStream>> streams) {
        this.streams = streams;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if (!ex.getRequestMethod().equals("GET")) {
                Exchanges.json(ex, 405, Json.error("method " + ex.getRequestMethod() + " (expected: GET)"));
                return;
            }
            Exchanges.json(ex, 200, targets(streams.get()));
        }
    }

    /** @param streams oldest first, as {@code ProxyStreams.streams()} lists them */
    static ArrayNode targets(List<ProxyStream> streams) {
        Map<String, ObjectNode> byTarget = new LinkedHashMap<>();
        for (ProxyStream s : streams) {
            NodeIdentity id = s.identity().orElse(null);
            if (id == null || id.adminPort() == 0) {
                continue;
            }
            String host = id.address().isEmpty() ? "127.0.0.1" : id.address();
            String target = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + id.adminPort();
            ObjectNode group = Json.object();
            group.putArray("targets").add(target);
            ObjectNode labels = group.putObject("labels")
                    .put("service", id.proxy().serviceName())
                    .put("namespace", id.proxy().namespace())
                    .put("node", s.node().getId());
            String version = id.labels().get("version");
            if (version != null && !version.isEmpty()) {
                labels.put("version", version);
            }
            byTarget.remove(target);
            byTarget.put(target, group);
        }
        ArrayNode out = Json.MAPPER.createArrayNode();
        byTarget.values().forEach(out::add);
        return out;
    }
}
