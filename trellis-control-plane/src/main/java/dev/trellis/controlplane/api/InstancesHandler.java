package dev.trellis.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.trellis.controlplane.registry.RegisteredInstance;
import dev.trellis.controlplane.registry.Registration;
import dev.trellis.controlplane.registry.Registry;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * /api/v1/instances: GET lists the registry; POST registers {service, namespace, address, port, labels,
 * meshed, weight, ttlSeconds}; PUT ID/heartbeat keeps it alive (404 once expired: register again);
 * DELETE ID deregisters.
 */
final class InstancesHandler implements HttpHandler {
    static final String PATH = "/api/v1/instances";

    private final Registry registry;

    InstancesHandler(Registry registry) {
        this.registry = registry;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try (ex) {
            List<String> path = Exchanges.segments(ex, PATH);
            String method = ex.getRequestMethod();
            if (method.equals("GET") && path.isEmpty()) {
                list(ex);
            } else if (method.equals("POST") && path.isEmpty()) {
                register(ex);
            } else if ((method.equals("PUT") || method.equals("POST")) && path.size() == 2 && path.get(1).equals("heartbeat")) {
                if (registry.heartbeat(path.get(0))) {
                    Exchanges.json(ex, 200, Json.object().put("id", path.get(0)));
                } else {
                    Exchanges.json(ex, 404, Json.error("instance " + path.get(0) + ": unknown or expired (register again)"));
                }
            } else if (method.equals("DELETE") && path.size() == 1) {
                if (registry.deregister(path.get(0))) {
                    Exchanges.json(ex, 200, Json.object().put("id", path.get(0)));
                } else {
                    Exchanges.json(ex, 404, Json.error("instance " + path.get(0) + ": unknown"));
                }
            } else {
                Exchanges.json(ex, 400, Json.error(method + " " + ex.getRequestURI().getPath()
                        + " (expected: GET or POST " + PATH + ", PUT " + PATH + "/ID/heartbeat, DELETE " + PATH + "/ID)"));
            }
        }
    }

    private void list(HttpExchange ex) throws IOException {
        ArrayNode items = Json.MAPPER.createArrayNode();
        registry.instances().forEach(i -> items.add(item(i)));
        ObjectNode out = Json.object();
        out.set("items", items);
        Exchanges.json(ex, 200, out);
    }

    static ObjectNode item(RegisteredInstance i) {
        Registration r = i.registration();
        ObjectNode o = Json.object()
                .put("id", i.id())
                .put("service", r.service())
                .put("namespace", r.namespace())
                .put("address", r.address())
                .put("port", r.port())
                .put("meshed", r.meshed())
                .put("weight", r.weight())
                .put("source", i.source().name().toLowerCase())
                .put("connected", i.connected())
                .put("lastSeen", i.lastSeen().toString())
                .put("ttlSeconds", i.ttl().toSeconds());
        o.set("labels", Json.MAPPER.valueToTree(r.labels()));
        return o;
    }

    private void register(HttpExchange ex) throws IOException {
        Registration r;
        Duration ttl = null;
        try {
            JsonNode body = Json.MAPPER.readTree(Exchanges.body(ex));
            Map<String, String> labels = new LinkedHashMap<>();
            body.path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
            r = new Registration(body.path("service").asText(""), body.path("namespace").asText("default"),
                    body.path("address").asText(""), body.path("port").asInt(0), labels,
                    body.path("meshed").asBoolean(false), body.path("weight").asInt(1));
            if (body.has("ttlSeconds")) {
                long seconds = body.get("ttlSeconds").asLong();
                if (seconds <= 0) {
                    throw new IllegalArgumentException("ttlSeconds: " + seconds + " (expected: > 0)");
                }
                ttl = Duration.ofSeconds(seconds);
            }
        } catch (IOException | IllegalArgumentException e) {
            Exchanges.json(ex, 400, Json.error(e.getMessage()));
            return;
        }
        Exchanges.json(ex, 201, item(registry.register(r, ttl)));
    }
}
