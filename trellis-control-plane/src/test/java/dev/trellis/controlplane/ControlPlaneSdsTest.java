package dev.trellis.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.config.xds.NodeIdentity;
import dev.trellis.config.xds.ProxyNode;
import dev.trellis.controlplane.ca.Pem;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trust bundle as the SDS secret ROOTCA on a sidecar's ADS stream, pushed again at each root rotation step. */
class ControlPlaneSdsTest {
    @TempDir
    Path dir;
    ControlPlane cp;
    ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        Files.writeString(dir.resolve("mesh.yaml"), ControlPlaneAdsTest.MESH);
        cp = ControlPlane.start(ControlPlaneOptions.builder(dir).xdsPort(0).apiPort(0).pollInterval(Duration.ofMillis(50)).build());
        channel = NettyChannelBuilder.forAddress("127.0.0.1", cp.xdsPort()).usePlaintext().build();
    }

    @AfterEach
    void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        cp.close();
    }

    @Test
    void aSidecarReceivesTheTrustBundleAndANewVersionWhenARootIsAdded() throws Exception {
        BlockingQueue<DiscoveryResponse> responses = new LinkedBlockingQueue<>();
        StreamObserver<DiscoveryRequest> requests = AggregatedDiscoveryServiceGrpc.newStub(channel).streamAggregatedResources(
                new StreamObserver<>() {
                    @Override public void onNext(DiscoveryResponse r) { responses.add(r); }
                    @Override public void onError(Throwable t) {}
                    @Override public void onCompleted() {}
                });
        var node = new NodeIdentity(ProxyNode.of("catalog", 9001), "127.0.0.1", 4143, Map.of()).toNode("test");
        DiscoveryRequest.Builder subscribe = DiscoveryRequest.newBuilder().setNode(node)
                .setTypeUrl(Resources.V3.SECRET_TYPE_URL).addResourceNames("ROOTCA");
        requests.onNext(subscribe.build());

        DiscoveryResponse first = responses.poll(10, TimeUnit.SECONDS);
        assertThat(first).as("a response within 10 s").isNotNull();
        Secret secret = first.getResources(0).unpack(Secret.class);
        assertThat(secret.getName()).isEqualTo("ROOTCA");
        assertThat(secret.hasTlsCertificate()).as("no private key in xDS").isFalse();
        String pem = secret.getValidationContext().getTrustedCa().getInlineBytes().toString(StandardCharsets.US_ASCII);
        assertThat(Pem.readCertificates(pem)).isEqualTo(cp.ca().trustBundle()).hasSize(1);
        requests.onNext(subscribe.setVersionInfo(first.getVersionInfo()).setResponseNonce(first.getNonce()).build());

        cp.ca().addNextRoot();
        DiscoveryResponse second = responses.poll(10, TimeUnit.SECONDS);
        assertThat(second).as("pushed within 10 s of the new root").isNotNull();
        assertThat(second.getVersionInfo()).isNotEqualTo(first.getVersionInfo());
        String both = second.getResources(0).unpack(Secret.class).getValidationContext().getTrustedCa().getInlineBytes()
                .toString(StandardCharsets.US_ASCII);
        assertThat(Pem.readCertificates(both)).isEqualTo(cp.ca().trustBundle()).hasSize(2);
        requests.onCompleted();
    }
}
