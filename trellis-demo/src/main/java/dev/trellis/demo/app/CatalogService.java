package dev.trellis.demo.app;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * "catalog": an HTTP/1.1 service listing products. {@code GET /items} answers JSON naming the version that
 * served it (so a traffic split is visible) and the x-request-id it received (so header forwarding is).
 */
public final class CatalogService {
    private static final List<Map<String, Object>> ITEMS = List.of(
            Json.fields("id", "tomato", "name", "Tomato seeds", "price", 2.5),
            Json.fields("id", "rose", "name", "Climbing rose", "price", 14.0),
            Json.fields("id", "trellis", "name", "Cedar trellis", "price", 39.9));

    private final String version;
    private final Slowness slowness;

    private CatalogService(String version, Slowness slowness) {
        this.version = Objects.requireNonNull(version, "version");
        this.slowness = Objects.requireNonNull(slowness, "slowness");
    }

    /** Starts catalog on 127.0.0.1:{@code port} (0 picks a free port). */
    public static RunningApp start(int port, String version, Slowness slowness) {
        CatalogService service = new CatalogService(version, slowness);
        return HttpApp.start("catalog-" + version, port, service::handle);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        if (!path.equals("/items")) {
            HttpApp.respond(exchange, 404, Json.write(Json.fields("error", "no such path: " + path)));
            return;
        }
        if (!exchange.getRequestMethod().equals("GET")) {
            HttpApp.respond(exchange, 405, Json.write(Json.fields("error", "expected GET")));
            return;
        }
        try {
            slowness.maybeWait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            HttpApp.respond(exchange, 503, Json.write(Json.fields("error", "stopping")));
            return;
        }
        TraceHeaders trace = TraceHeaders.from(exchange.getRequestHeaders());
        HttpApp.respond(exchange, 200, Json.write(Json.fields(
                "service", "catalog",
                "version", version,
                "items", ITEMS,
                "requestId", trace.get("x-request-id").orElse(""))));
    }
}
