package dev.trellis.controlplane.ca;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaHandlerTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;
    CertificateAuthority ca;
    HttpServer server;
    final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        ca = CertificateAuthority.open(CaOptions.builder(dir).burst(3).refillEvery(Duration.ofMinutes(1)).build());
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        CaHandler.mount(server, ca);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    HttpResponse<String> post(String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(CaHandler.CERTIFICATES)).POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    static String csrBody(String uri) throws Exception {
        return JSON.createObjectNode().put("csr", Csrs.forUri(Csrs.ec("secp256r1"), uri)).put("ttlSeconds", 3600).toString();
    }

    @Test
    void issuesACertificateForTheTokensIdentity() throws Exception {
        String token = ca.tokens().create(ca.identityOf("default", "web"), Duration.ofHours(1));
        HttpResponse<String> r = post(token, csrBody("spiffe://cluster.local/ns/default/sa/web"));
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("identity").asText()).isEqualTo("spiffe://cluster.local/ns/default/sa/web");
        List<X509Certificate> chain = Pem.readCertificates(body.path("certificateChain").asText());
        assertThat(chain.get(0).getSubjectAlternativeNames()).containsExactly(List.of(6, "spiffe://cluster.local/ns/default/sa/web"));
        assertThat(Pem.readCertificates(body.path("trustBundle").asText())).isEqualTo(ca.trustBundle());
        assertThat(body.path("notAfter").asText()).isEqualTo(chain.get(0).getNotAfter().toInstant().toString());

        HttpResponse<String> bundle = client.send(HttpRequest.newBuilder(uri(CaHandler.TRUST_BUNDLE)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(Pem.readCertificates(bundle.body())).isEqualTo(ca.trustBundle());
    }

    @Test
    void answersEachRefusalWithItsStatus() throws Exception {
        String web = ca.tokens().create(ca.identityOf("default", "web"), Duration.ofHours(1));
        HttpResponse<String> none = post(null, csrBody("spiffe://cluster.local/ns/default/sa/web"));
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"trellis\"");

        HttpResponse<String> other = post(web, csrBody("spiffe://cluster.local/ns/default/sa/catalog"));
        assertThat(other.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(other.body()).path("error").asText()).contains("the identity the bootstrap token is bound to");

        assertThat(post(web, "{\"csr\": 42}").statusCode()).isEqualTo(400);
        assertThat(post(web, csrBody("spiffe://cluster.local/ns/default/sa/web")).statusCode()).isEqualTo(200);
        assertThat(post(web, csrBody("spiffe://cluster.local/ns/default/sa/web")).statusCode()).isEqualTo(200);
        HttpResponse<String> limited = post(web, csrBody("spiffe://cluster.local/ns/default/sa/web"));
        assertThat(limited.statusCode()).as("the burst of 3 is spent").isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).isPresent();

        assertThat(client.send(HttpRequest.newBuilder(uri(CaHandler.CERTIFICATES)).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode()).isEqualTo(405);
    }

    @Test
    void rotatesTheRootInThreeSteps() throws Exception {
        for (String step : List.of("add", "activate", "retire")) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri(CaHandler.CA + "/roots/" + step))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(step).isEqualTo(200);
            assertThat(JSON.readTree(r.body()).path("roots").size()).as(step).isEqualTo(step.equals("retire") ? 1 : 2);
        }
        HttpResponse<String> again = client.send(HttpRequest.newBuilder(uri(CaHandler.CA + "/roots/activate"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(again.statusCode()).isEqualTo(409);
    }
}
