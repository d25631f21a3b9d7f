package dev.trellis.controlplane.api;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.util.Objects;

/** GET /api/v1/version: the control plane's build, which proxies and the CLI are compared with. */
final class VersionHandler implements HttpHandler {
    static final String PATH = "/api/v1/version";

    /** The jar's Implementation-Version; "dev" when run from classes, as the proxy reports itself too. */
    static String version() {
        return Objects.requireNonNullElse(VersionHandler.class.getPackage().getImplementationVersion(), "dev");
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try (ex) {
            Exchanges.json(ex, 200, Json.object().put("version", version()));
        }
    }
}
