package dev.trellis.controlplane.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.trellis.controlplane.ControlPlane;
import dev.trellis.controlplane.ControlPlaneOptions;
import dev.trellis.controlplane.ca.grpc.IstioCertificateRequest;
import dev.trellis.controlplane.ca.grpc.IstioCertificateResponse;
import dev.trellis.controlplane.ca.grpc.IstioCertificateServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Istio's CreateCertificate on the control plane's xDS port: the same checks and reasons as the REST endpoint. */
class CaGrpcServiceTest {
    static final String WEB = "spiffe://cluster.local/ns/default/sa/web";

    @TempDir
    Path dir;
    ControlPlane cp;
    ManagedChannel channel;

    @BeforeEach
    void start() {
        cp = ControlPlane.start(ControlPlaneOptions.builder(dir).xdsPort(0).apiPort(0).build());
        channel = NettyChannelBuilder.forAddress("127.0.0.1", cp.xdsPort()).usePlaintext().build();
    }

    @AfterEach
    void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        cp.close();
    }

    private IstioCertificateResponse create(String token, String csr, long ttlSeconds) {
        Metadata headers = new Metadata();
        if (token != null) {
            headers.put(CaGrpcService.AUTHORIZATION, "Bearer " + token);
        }
        return IstioCertificateServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .createCertificate(IstioCertificateRequest.newBuilder().setCsr(csr).setValidityDuration(ttlSeconds).build());
    }

    private String token(String service) {
        return cp.ca().tokens().create(cp.ca().identityOf("default", service), Duration.ofHours(1));
    }

    private StatusRuntimeException refused(String token, String csr) {
        return catchThrowableOfType(StatusRuntimeException.class, () -> create(token, csr, 0));
    }

    @Test
    void aCsrGetsAChainForItsOwnIdentityEndingWithTheRoot() throws Exception {
        IstioCertificateResponse r = create(token("web"), Csrs.forUri(Csrs.ec("secp256r1"), WEB), 3600);
        List<X509Certificate> chain = r.getCertChainList().stream().flatMap(p -> Pem.readCertificates(p).stream()).toList();
        assertThat(chain).hasSize(2);
        assertThat(chain.get(0).getSubjectAlternativeNames()).containsExactly(List.of(6, WEB));
        assertThat(chain.get(1)).isEqualTo(cp.ca().trustBundle().get(0));
        Duration life = Duration.between(chain.get(0).getNotBefore().toInstant(), chain.get(0).getNotAfter().toInstant());
        assertThat(life).isEqualTo(Duration.ofHours(1).plus(CertificateAuthority.BACKDATE));
    }

    @Test
    void refusesWithTheSameReasonsAsRest() throws Exception {
        String web = token("web");
        StatusRuntimeException other = refused(web, Csrs.forUri(Csrs.ec("secp256r1"), "spiffe://cluster.local/ns/default/sa/catalog"));
        assertThat(other.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(other.getStatus().getDescription()).isEqualTo(restError(web, "spiffe://cluster.local/ns/default/sa/catalog"))
                .contains("the identity the bootstrap token is bound to");

        StatusRuntimeException ca = refused(web, Csrs.build(Csrs.ec("secp256r1"), WEB, true));
        assertThat(ca.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(ca.getStatus().getDescription()).contains("CA:true");

        StatusRuntimeException weak = refused(web, Csrs.forUri(Csrs.rsa(1024), WEB));
        assertThat(weak.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(weak.getStatus().getDescription()).contains("RSA 1024 bits");

        assertThat(refused(null, Csrs.forUri(Csrs.ec("secp256r1"), WEB)).getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(refused("trellis1.forged.mac", Csrs.forUri(Csrs.ec("secp256r1"), WEB)).getStatus().getCode())
                .isEqualTo(Status.Code.UNAUTHENTICATED);
    }

    /** The REST endpoint's error text for the same refusal. */
    private String restError(String token, String uri) throws Exception {
        String body = "{\"csr\": " + new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(Csrs.forUri(Csrs.ec("secp256r1"), uri)) + "}";
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + cp.apiPort() + CaHandler.CERTIFICATES))
                .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(403);
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body()).path("error").asText();
    }
}
