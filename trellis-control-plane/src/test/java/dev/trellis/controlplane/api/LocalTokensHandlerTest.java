package dev.trellis.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trellis.controlplane.ControlPlane;
import dev.trellis.controlplane.ControlPlaneOptions;
import dev.trellis.controlplane.ca.BootstrapTokens;
import dev.trellis.controlplane.ca.CaOptions;
import dev.trellis.controlplane.ca.CertificateAuthority;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bootstrap tokens for a local development mesh: only on loopback, only to loopback, and never when turned off. */
class LocalTokensHandlerTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private HttpResponse<String> post(int port, String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + LocalTokensHandler.PATH))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aLoopbackCallerOfALoopbackControlPlaneGetsATokenBoundToTheService() throws Exception {
        try (ControlPlane cp = ControlPlane.start(ControlPlaneOptions.builder(dir).xdsPort(0).apiPort(0).build())) {
            HttpResponse<String> r = post(cp.apiPort(), "{\"service\": \"catalog\", \"namespace\": \"shop\"}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            BootstrapTokens.Claims claims = cp.ca().tokens().verify(JSON.readTree(r.body()).path("token").asText());
            assertThat(claims.identity().uri()).isEqualTo("spiffe://cluster.local/ns/shop/sa/catalog");

            JsonNode bad = JSON.readTree(post(cp.apiPort(), "{\"service\": \"../Catalog\"}").body());
            assertThat(bad.path("error").asText()).startsWith("service: \"../Catalog\" (expected:");
        }
    }

    @Test
    void turnedOffItRefusesWithTheReason() throws Exception {
        try (ControlPlane cp = ControlPlane.start(ControlPlaneOptions.builder(dir).xdsPort(0).apiPort(0).localTokens(false).build())) {
            HttpResponse<String> r = post(cp.apiPort(), "{\"service\": \"catalog\"}");
            assertThat(r.statusCode()).isEqualTo(403);
            assertThat(JSON.readTree(r.body()).path("error").asText()).contains("--no-local-tokens");
        }
    }

    @Test
    void refusesWhenTheApiOrTheCallerIsNotOnLoopback() throws Exception {
        CertificateAuthority ca = CertificateAuthority.open(CaOptions.builder(dir.resolve("ca")).build());
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        InetAddress wildcard = InetAddress.getByName("0.0.0.0");
        InetAddress lan = InetAddress.getByName("192.0.2.10"); // never contacted: only compared
        assertThat(new LocalTokensHandler(ca, true, loopback).refusal(loopback)).isNull();
        assertThat(new LocalTokensHandler(ca, true, InetAddress.getByName("::1")).refusal(InetAddress.getByName("127.0.0.2"))).isNull();
        assertThat(new LocalTokensHandler(ca, true, wildcard).refusal(loopback))
                .isEqualTo("local tokens: the API is bound to 0.0.0.0 (expected: a loopback address; otherwise use trellis token create)");
        assertThat(new LocalTokensHandler(ca, true, loopback).refusal(lan))
                .isEqualTo("local tokens: caller 192.0.2.10 (expected: a loopback address)");
        assertThat(new LocalTokensHandler(ca, false, loopback).refusal(loopback)).contains("--no-local-tokens");
    }
}
