package dev.trellis.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trellis.config.xds.NodeIdentity;
import dev.trellis.config.xds.ProxyNode;
import dev.trellis.controlplane.ControlPlane;
import dev.trellis.controlplane.ControlPlaneOptions;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** trellis check fails (exit 1) on what an operator must hear about. */
class CheckFailuresTest {
    @TempDir
    Path dir;

    @Test
    void aProxyThatDoesNotAckIsOutOfSync() throws Exception {
        Files.writeString(dir.resolve("mesh.yaml"), """
                apiVersion: trellis.dev/v1alpha1
                kind: Service
                metadata: {name: catalog}
                spec:
                  port: 8080
                """);
        try (ControlPlane cp = ControlPlane.start(ControlPlaneOptions.builder(dir).xdsPort(0).apiPort(0).build())) {
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", cp.xdsPort()).usePlaintext().build();
            try {
                AtomicInteger responses = new AtomicInteger();
                StreamObserver<DiscoveryRequest> requests = AggregatedDiscoveryServiceGrpc.newStub(channel).streamAggregatedResources(
                        new StreamObserver<>() {
                            @Override
                            public void onNext(DiscoveryResponse r) {
                                responses.incrementAndGet(); // and never ACKs it
                            }

                            @Override
                            public void onError(Throwable t) {
                            }

                            @Override
                            public void onCompleted() {
                            }
                        });
                NodeIdentity stuck = new NodeIdentity(ProxyNode.of("catalog", 0), "", 0, Map.of());
                requests.onNext(DiscoveryRequest.newBuilder().setNode(stuck.toNode("dev")).setTypeUrl(Resources.V3.CLUSTER_TYPE_URL).build());
                await().atMost(Duration.ofSeconds(10)).until(() -> responses.get() > 0);

                MeshFixture.Run r = MeshFixture.cli("check", "--control-plane-api", "127.0.0.1:" + cp.apiPort());
                assertThat(r.code()).as(r.out()).isEqualTo(1);
                assertThat(r.out()).contains("[ok] control plane API is reachable")
                        .contains("[FAIL] proxies are in sync with the control plane")
                        .containsPattern("\n    catalog\\.default~:0: clusters sent \\S+ acked -\n")
                        .contains("Status check results are [FAIL] (1 failed)");
                requests.onCompleted();
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void anUnreachableControlPlaneFails() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        MeshFixture.Run r = MeshFixture.cli("check", "--control-plane-api", "127.0.0.1:" + closed);
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("[FAIL] control plane API is reachable at 127.0.0.1:" + closed)
                .contains("cannot reach the control plane API").contains("Status check results are [FAIL]");
    }

    @Test
    void certificateOptionsAloneSkipAnUnreachableControlPlane() throws Exception {
        Path identity = Files.createDirectory(dir.resolve("identity"));
        MeshFixture.Run r = MeshFixture.cli("check", "--identity-dir", identity.toString(), "--control-plane-api", "127.0.0.1:1");
        assertThat(r.code()).as("missing files are unreadable, as before").isEqualTo(2);
        assertThat(r.out()).contains("ERROR   " + identity.resolve("cert-chain.pem") + ": missing");
    }
}
