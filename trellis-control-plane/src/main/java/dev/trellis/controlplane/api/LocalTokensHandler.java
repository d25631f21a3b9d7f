package dev.trellis.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.trellis.controlplane.ca.CertificateAuthority;
import dev.trellis.controlplane.ca.SpiffeId;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;

/**
 * {@code POST /api/v1/tokens {"service": "NAME", "namespace": "default"}} → {@code {"token": "..."}}: a
 * bootstrap token for a local development mesh, so {@code trellis run} gets mutual TLS without identity flags.
 * Handed out only when the API is bound to a loopback address and the caller is on loopback too: there,
 * every local user can read the CA's key anyway, so the token proves nothing more than the machine. Anything
 * else is refused with 403 and the reason; {@code --no-local-tokens} turns the endpoint off.
 */
public final class LocalTokensHandler implements HttpHandler {
    public static final String PATH = "/api/v1/tokens";
    /** Long enough for a development session, short enough that a copied token goes stale. */
    static final Duration TTL = Duration.ofHours(24);
    private static final String NAME = "[a-z0-9]([-a-z0-9.]*[a-z0-9])?";

    private final CertificateAuthority ca;
    private final boolean enabled;
    private final InetAddress bound;

    /**
     * @param enabled false with {@code --no-local-tokens}
     * @param bound   the address the API server listens on
     */
    public LocalTokensHandler(CertificateAuthority ca, boolean enabled, InetAddress bound) {
        this.ca = ca;
        this.enabled = enabled;
        this.bound = bound;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if (!ex.getRequestMethod().equals("POST")) {
                error(ex, 405, "method: " + ex.getRequestMethod() + " (expected: POST)");
                return;
            }
            String refusal = refusal(ex.getRemoteAddress().getAddress());
            if (refusal != null) {
                error(ex, 403, refusal);
                return;
            }
            JsonNode body;
            try {
                body = Json.MAPPER.readTree(Exchanges.body(ex));
            } catch (IOException e) {
                error(ex, 400, "body: " + e.getMessage() + " (expected: {\"service\": \"NAME\"})");
                return;
            }
            String service = body == null ? "" : body.path("service").asText("");
            String namespace = body == null ? "default" : body.path("namespace").asText("default");
            if (!service.matches(NAME)) {
                error(ex, 400, "service: \"" + service + "\" (expected: a lowercase DNS label, e.g. catalog)");
                return;
            }
            if (!namespace.matches(NAME)) {
                error(ex, 400, "namespace: \"" + namespace + "\" (expected: a lowercase DNS label, e.g. default)");
                return;
            }
            SpiffeId id = ca.identityOf(namespace, service);
            Exchanges.json(ex, 200, Json.MAPPER.createObjectNode().put("token", ca.tokens().create(id, TTL))
                    .put("identity", id.uri()));
        }
    }

    /** Why a caller at {@code caller} gets no token, or null when it gets one. */
    String refusal(InetAddress caller) {
        if (!enabled) {
            return "local tokens: off (the control plane runs with --no-local-tokens; use trellis token create)";
        }
        if (!bound.isLoopbackAddress()) {
            return "local tokens: the API is bound to " + bound.getHostAddress()
                    + " (expected: a loopback address; otherwise use trellis token create)";
        }
        if (caller == null || !caller.isLoopbackAddress()) {
            return "local tokens: caller " + (caller == null ? "unknown" : caller.getHostAddress())
                    + " (expected: a loopback address)";
        }
        return null;
    }

    private static void error(HttpExchange ex, int status, String message) throws IOException {
        Exchanges.json(ex, status, Json.MAPPER.createObjectNode().put("error", message));
    }
}
