package dev.trellis.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.rpc.Status;
import dev.trellis.config.xds.NodeIdentity;
import dev.trellis.config.xds.ProxyNode;
import dev.trellis.controlplane.registry.RegisteredInstance;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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

/** The control plane over a real ADS stream, driven by a bare gRPC client that ACKs and NACKs by hand. */
class ControlPlaneAdsTest {
    static final String MESH = """
            apiVersion: trellis.dev/v1alpha1
            kind: Service
            metadata: {name: catalog}
            spec:
              port: 8080
              selector: {app: catalog}
            """;

    @TempDir
    Path dir;
    ControlPlane cp;
    ManagedChannel channel;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws IOException {
        Files.writeString(dir.resolve("mesh.yaml"), MESH);
        cp = ControlPlane.start(ControlPlaneOptions.builder(dir).xdsPort(0).apiPort(0).pollInterval(Duration.ofMillis(50)).build());
        channel = NettyChannelBuilder.forAddress("127.0.0.1", cp.xdsPort()).usePlaintext().build();
    }

    @AfterEach
    void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        cp.close();
    }

    /** One ADS stream: responses queue up; requests go out. */
    final class Stream implements ClientResponseObserver<DiscoveryRequest, DiscoveryResponse> {
        final BlockingQueue<DiscoveryResponse> responses = new LinkedBlockingQueue<>();
        final io.envoyproxy.envoy.config.core.v3.Node node;
        ClientCallStreamObserver<DiscoveryRequest> requests;

        Stream(NodeIdentity identity) {
            this(identity.toNode("test"));
        }

        Stream(io.envoyproxy.envoy.config.core.v3.Node node) {
            this.node = node;
            AggregatedDiscoveryServiceGrpc.newStub(channel).streamAggregatedResources(this);
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<DiscoveryRequest> r) {
            requests = r;
        }

        void send(String type, String version, String nonce, String error) {
            DiscoveryRequest.Builder r = DiscoveryRequest.newBuilder().setNode(node).setTypeUrl(type).setVersionInfo(version).setResponseNonce(nonce);
            if (error != null) {
                r.setErrorDetail(Status.newBuilder().setCode(3).setMessage(error));
            }
            requests.onNext(r.build());
        }

        DiscoveryResponse next() throws InterruptedException {
            DiscoveryResponse r = responses.poll(10, TimeUnit.SECONDS);
            assertThat(r).as("a response within 10 s").isNotNull();
            return r;
        }

        @Override
        public void onNext(DiscoveryResponse r) {
            responses.add(r);
        }

        @Override
        public void onError(Throwable t) {
        }

        @Override
        public void onCompleted() {
        }
    }

    static NodeIdentity catalogSidecar() {
        return new NodeIdentity(ProxyNode.of("catalog", 9001), "127.0.0.1", 4143, Map.of("version", "v2"));
    }

    private JsonNode status() throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cp.apiPort() + "/api/v1/status")).build(),
                HttpResponse.BodyHandlers.ofString());
        return new ObjectMapper().readTree(r.body());
    }

    @Test
    void aSidecarRegistersWithItsFirstRequestAndDeregistersWhenItHalfCloses() throws Exception {
        Stream s = new Stream(catalogSidecar());
        s.send(Resources.V3.CLUSTER_TYPE_URL, "", "", null);
        DiscoveryResponse clusters = s.next();
        assertThat(clusters.getResourcesList()).hasSize(2); // catalog.default and inbound|9001

        assertThat(cp.registry().instances()).singleElement().satisfies(i -> {
            assertThat(i.id()).isEqualTo("catalog.default@127.0.0.1:4143");
            assertThat(i.connected()).isTrue();
            assertThat(i.registration().labels()).containsEntry("version", "v2");
        });
        // its own instance is an endpoint of catalog (selector app: catalog)
        s.requests.onNext(DiscoveryRequest.newBuilder().setNode(s.node).setTypeUrl(Resources.V3.ENDPOINT_TYPE_URL)
                .addResourceNames("catalog.default").build());
        DiscoveryResponse endpoints = s.next();
        assertThat(endpoints.getTypeUrl()).isEqualTo(Resources.V3.ENDPOINT_TYPE_URL);
        assertThat(endpoints.getResources(0).unpack(io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment.class).toString())
                .contains("port_value: 4143");

        s.requests.onCompleted();
        await().atMost(Duration.ofSeconds(10)).until(() -> cp.registry().instances().isEmpty());
    }

    @Test
    void aBrokenStreamLeavesTheInstanceToItsTtl() throws Exception {
        Stream s = new Stream(catalogSidecar());
        s.send(Resources.V3.CLUSTER_TYPE_URL, "", "", null);
        s.next();
        s.requests.cancel("network cut", null);
        await().atMost(Duration.ofSeconds(10)).until(() -> cp.registry().instances().stream().noneMatch(RegisteredInstance::connected));
        assertThat(cp.registry().instances()).hasSize(1);
    }

    @Test
    void aNackIsRecordedAndTheRejectedVersionIsNotSentAgainUntilTheConfigurationChanges() throws Exception {
        Stream s = new Stream(catalogSidecar());
        s.send(Resources.V3.CLUSTER_TYPE_URL, "", "", null);
        DiscoveryResponse first = s.next();

        s.send(Resources.V3.CLUSTER_TYPE_URL, "", first.getNonce(), "cluster catalog.default: lb_policy: RING_HASH (expected: ROUND_ROBIN)");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode clusters = status().path("proxies").get(0).path("versions").path("clusters");
            assertThat(clusters.path("rejected").asText()).isEqualTo(first.getVersionInfo());
            assertThat(clusters.path("error").asText()).contains("RING_HASH");
        });
        assertThat(s.responses.poll(500, TimeUnit.MILLISECONDS)).as("no resend of the rejected version").isNull();

        Files.writeString(dir.resolve("mesh.yaml"), MESH.replace("port: 8080", "port: 8081") + """
                ---
                apiVersion: trellis.dev/v1alpha1
                kind: Service
                metadata: {name: reviews}
                spec:
                  port: 8080
                """);
        DiscoveryResponse second = s.next();
        assertThat(second.getVersionInfo()).isNotEqualTo(first.getVersionInfo());
        assertThat(second.getResourcesList()).hasSize(3);

        s.send(Resources.V3.CLUSTER_TYPE_URL, second.getVersionInfo(), second.getNonce(), null);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode clusters = status().path("proxies").get(0).path("versions").path("clusters");
            assertThat(clusters.path("acked").asText()).isEqualTo(second.getVersionInfo());
            assertThat(clusters.has("error")).isFalse();
        });
    }

    @Test
    void anEndpointChangeSendsOnlyTheAssignmentThatChanged() throws Exception {
        Files.writeString(dir.resolve("reviews.yaml"), """
                apiVersion: trellis.dev/v1alpha1
                kind: Service
                metadata: {name: reviews}
                spec:
                  port: 8080
                  selector: {app: reviews}
                """);
        cp.directory().reload();
        Stream s = new Stream(catalogSidecar());
        s.requests.onNext(DiscoveryRequest.newBuilder().setNode(s.node).setTypeUrl(Resources.V3.ENDPOINT_TYPE_URL)
                .addResourceNames("catalog.default").addResourceNames("reviews.default").build());
        DiscoveryResponse all = s.next();
        assertThat(all.getResourcesList()).hasSize(2);
        s.requests.onNext(DiscoveryRequest.newBuilder().setNode(s.node).setTypeUrl(Resources.V3.ENDPOINT_TYPE_URL)
                .addResourceNames("catalog.default").addResourceNames("reviews.default")
                .setVersionInfo(all.getVersionInfo()).setResponseNonce(all.getNonce()).build());

        cp.registry().register(new dev.trellis.controlplane.registry.Registration("reviews", null, "127.0.0.1", 9100, Map.of(), false, 1), null);

        DiscoveryResponse changed = s.next();
        assertThat(changed.getVersionInfo()).isNotEqualTo(all.getVersionInfo());
        assertThat(changed.getResourcesList()).singleElement().satisfies(a -> assertThat(
                a.unpack(io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment.class).getClusterName()).isEqualTo("reviews.default"));
    }

    @Test
    void aClientThatNamesItsNodeOnlyOnceStillGetsItsGroupsConfiguration() throws Exception {
        Stream s = new Stream(catalogSidecar());
        s.send(Resources.V3.CLUSTER_TYPE_URL, "", "", null);
        DiscoveryResponse clusters = s.next();
        // later requests without a node, as Envoy's set_node_on_first_message_only does
        s.requests.onNext(DiscoveryRequest.newBuilder().setTypeUrl(Resources.V3.LISTENER_TYPE_URL).build());
        DiscoveryResponse listeners = s.next();
        assertThat(listeners.getResourcesList()).extracting(a -> a.unpack(io.envoyproxy.envoy.config.listener.v3.Listener.class).getName())
                .contains("inbound", "outbound");
        assertThat(clusters.getVersionInfo()).isNotEmpty();
    }

    @Test
    void aProxylessClientGetsApiListeners() throws Exception {
        // a node without Trellis metadata
        Stream s = new Stream(io.envoyproxy.envoy.config.core.v3.Node.newBuilder().setId("grpc-client").build());
        s.requests.onNext(DiscoveryRequest.newBuilder().setNode(s.node)
                .setTypeUrl(Resources.V3.LISTENER_TYPE_URL).addResourceNames("catalog").build());
        DiscoveryResponse r = s.next();
        assertThat(r.getResourcesList()).hasSize(1);
        assertThat(cp.publisher().groups()).containsKey(dev.trellis.controlplane.xds.NodeKey.PROXYLESS);
    }
}
