package dev.trellis.proxy.tls;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The CA over the control plane's REST API: {@code POST /api/v1/certificates} with the bootstrap token as
 * a bearer token, and {@code GET /api/v1/trust-bundle}.
 */
public final class RestCertificateIssuer implements CertificateIssuer {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** @param base the control plane's API, e.g. http://127.0.0.1:15080 */
    public RestCertificateIssuer(URI base) {
        this.base = base;
    }

    @Override
    public Issued issue(String token, String csrPem, Duration ttl) throws IOException {
        var body = JSON.createObjectNode().put("csr", csrPem);
        if (ttl != null) {
            body.put("ttlSeconds", ttl.toSeconds());
        }
        HttpResponse<String> r = send(HttpRequest.newBuilder(base.resolve("/api/v1/certificates"))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token.trim())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build());
        JsonNode json = JSON.readTree(r.body().isEmpty() ? "{}" : r.body());
        if (r.statusCode() == 429) {
            long seconds = r.headers().firstValueAsLong("Retry-After").orElse(1);
            throw new RetryAfter("429 " + json.path("error").asText(), Duration.ofSeconds(Math.max(1, seconds)));
        }
        if (r.statusCode() != 200) {
            throw new IOException(r.statusCode() + " " + json.path("error").asText(r.body()));
        }
        return new Issued(PemFiles.certificates(json.path("certificateChain").asText(), "certificateChain"),
                PemFiles.certificates(json.path("trustBundle").asText(), "trustBundle"));
    }

    @Override
    public Optional<List<X509Certificate>> trustBundle() throws IOException {
        HttpResponse<String> r = send(HttpRequest.newBuilder(base.resolve("/api/v1/trust-bundle")).timeout(Duration.ofSeconds(10)).build());
        if (r.statusCode() != 200) {
            throw new IOException("status " + r.statusCode());
        }
        return Optional.of(PemFiles.certificates(r.body(), "trust bundle"));
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    @Override
    public String describe() {
        return base.toString();
    }
}
