package dev.trellis.controlplane.ca;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;

/**
 * The CA over the control plane's REST API:
 * <ul>
 * <li>{@code POST /api/v1/certificates} — {@code Authorization: Bearer <bootstrap token>}, body
 *     {@code {"csr": "<PEM>", "ttlSeconds": 86400}} (ttlSeconds optional); answers
 *     {@code {"identity", "certificateChain", "trustBundle", "notAfter"}} or 400/401/403/429 with
 *     {@code {"error": "..."}} (429 with Retry-After);</li>
 * <li>{@code GET /api/v1/trust-bundle} — the roots to trust, PEM;</li>
 * <li>{@code GET /api/v1/ca} — trust domain, roots and their expiry, counts;</li>
 * <li>{@code POST /api/v1/ca/roots/add|activate|retire} — the three steps of a root rotation.</li>
 * </ul>
 */
public final class CaHandler implements HttpHandler {
    public static final String CERTIFICATES = "/api/v1/certificates";
    public static final String TRUST_BUNDLE = "/api/v1/trust-bundle";
    public static final String CA = "/api/v1/ca";
    static final int MAX_BODY = 64 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CertificateAuthority ca;

    public CaHandler(CertificateAuthority ca) {
        this.ca = ca;
    }

    /** Adds the CA's paths to an HTTP server (the control plane's API server). */
    public static void mount(HttpServer server, CertificateAuthority ca) {
        CaHandler h = new CaHandler(ca);
        server.createContext(CERTIFICATES, h);
        server.createContext(TRUST_BUNDLE, h);
        server.createContext(CA, h);
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            if (path.equals(CERTIFICATES)) {
                if (!method.equals("POST")) {
                    error(ex, 405, "method: " + method + " (expected: POST)");
                    return;
                }
                certificates(ex);
            } else if (path.equals(TRUST_BUNDLE) && method.equals("GET")) {
                send(ex, 200, "application/x-pem-file", Pem.certificates(ca.trustBundle()));
            } else if (path.equals(CA) && method.equals("GET")) {
                send(ex, 200, "application/json", JSON.writerWithDefaultPrettyPrinter().writeValueAsString(status()) + "\n");
            } else if (path.startsWith(CA + "/roots/") && method.equals("POST")) {
                rotate(ex, path.substring((CA + "/roots/").length()));
            } else {
                error(ex, 404, "no such CA resource: " + method + " " + path);
            }
        } catch (RuntimeException e) {
            error(ex, 500, e.toString());
        }
    }

    private void certificates(HttpExchange ex) throws IOException {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        String token = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7).trim() : null;
        JsonNode body;
        try {
            body = JSON.readTree(readBody(ex));
        } catch (IOException e) {
            error(ex, 400, "body: " + e.getMessage() + " (expected: {\"csr\": \"<PEM>\"})");
            return;
        }
        if (body == null || !body.path("csr").isTextual()) {
            error(ex, 400, "csr: missing (expected: {\"csr\": \"<PEM>\"})");
            return;
        }
        Duration ttl = body.has("ttlSeconds") ? Duration.ofSeconds(body.path("ttlSeconds").asLong()) : null;
        IssuedCertificate cert;
        try {
            cert = ca.issue(token, body.path("csr").asText(), ttl);
        } catch (IssuanceException e) {
            if (e.reason() == IssuanceException.Reason.RATE_LIMITED) {
                ex.getResponseHeaders().set("Retry-After", Long.toString(Math.max(1, e.retryAfter().toSeconds())));
            }
            if (e.reason() == IssuanceException.Reason.UNAUTHENTICATED) {
                ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"trellis\"");
            }
            error(ex, e.reason().status, e.getMessage());
            return;
        }
        ObjectNode out = JSON.createObjectNode()
                .put("identity", cert.identity().uri())
                .put("certificateChain", Pem.certificates(cert.chain()))
                .put("trustBundle", Pem.certificates(cert.trustBundle()))
                .put("notAfter", cert.notAfter().toString());
        send(ex, 200, "application/json", out.toString());
    }

    private ObjectNode status() {
        ObjectNode out = JSON.createObjectNode().put("trustDomain", ca.options().trustDomain())
                .put("signingCertificate", ca.signing().certificate().getSubjectX500Principal().getName())
                .put("defaultTtl", ca.options().defaultTtl().toString())
                .put("issued", ca.issuedCount());
        ArrayNode roots = out.putArray("roots");
        for (X509Certificate r : ca.trustBundle()) {
            roots.addObject().put("subject", r.getSubjectX500Principal().getName())
                    .put("notAfter", r.getNotAfter().toInstant().toString())
                    .put("signing", r.equals(ca.signing().certificate()));
        }
        ObjectNode refused = out.putObject("refused");
        for (IssuanceException.Reason r : IssuanceException.Reason.values()) {
            refused.put(r.name().toLowerCase(java.util.Locale.ROOT), ca.refusedCount(r));
        }
        return out;
    }

    private void rotate(HttpExchange ex, String step) throws IOException {
        try {
            switch (step) {
                case "add" -> ca.addNextRoot();
                case "activate" -> ca.activateNextRoot();
                case "retire" -> ca.retirePreviousRoot();
                default -> {
                    error(ex, 404, "root rotation step: " + step + " (expected: add, activate or retire)");
                    return;
                }
            }
        } catch (IllegalStateException e) {
            error(ex, 409, e.getMessage());
            return;
        }
        send(ex, 200, "application/json", JSON.writeValueAsString(status()) + "\n");
    }

    private static String readBody(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            byte[] bytes = in.readNBytes(MAX_BODY + 1);
            if (bytes.length > MAX_BODY) {
                throw new IOException("more than " + MAX_BODY + " bytes");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private static void error(HttpExchange ex, int status, String message) throws IOException {
        send(ex, status, "application/json", JSON.createObjectNode().put("error", message).toString() + "\n");
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }
}
