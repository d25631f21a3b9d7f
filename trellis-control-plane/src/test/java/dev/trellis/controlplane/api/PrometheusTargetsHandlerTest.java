package dev.trellis.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.trellis.config.ConfigLoader;
import dev.trellis.config.xds.NodeIdentity;
import dev.trellis.config.xds.ProxyNode;
import dev.trellis.controlplane.registry.Registry;
import dev.trellis.controlplane.xds.NodeKey;
import dev.trellis.controlplane.xds.ProxyStreams;
import dev.trellis.controlplane.xds.SnapshotPublisher;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Prometheus HTTP service discovery from the sidecars connected over xDS, through a real HTTP server. */
class PrometheusTargetsHandlerTest {
    static final String CLUSTERS = "type.googleapis.com/envoy.config.cluster.v3.Cluster";

    final SnapshotPublisher publisher = new SnapshotPublisher(new SimpleCache<>(NodeKey.group()),
            () -> ConfigLoader.standard().parse("mesh.yaml", """
                    apiVersion: trellis.dev/v1alpha1
                    kind: Service
                    metadata: {name: catalog}
                    spec: {port: 8080, selector: {app: catalog}}
                    """), List::of);
    final ProxyStreams streams = new ProxyStreams(publisher, new Registry(Clock.systemUTC(), Duration.ofSeconds(30)), Clock.systemUTC());
    final HttpClient http = HttpClient.newHttpClient();
    HttpServer server;
    long nextStream = 1;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext(PrometheusTargetsHandler.PATH, new PrometheusTargetsHandler(streams::streams));
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        publisher.close();
    }

    long connect(Node node) throws Exception {
        long id = nextStream++;
        streams.onStreamOpen(id, CLUSTERS);
        streams.onV3StreamRequest(id, DiscoveryRequest.newBuilder().setTypeUrl(CLUSTERS).setNode(node).build());
        return id;
    }

    static Node sidecar(String service, String namespace, String address, int inbound, Map<String, String> labels, int admin) {
        return new NodeIdentity(new ProxyNode(service, namespace, inbound == 0 ? 0 : 9000), address, inbound, labels, admin)
                .toNode("test");
    }

    JsonNode get() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getAddress().getPort()
                + PrometheusTargetsHandler.PATH)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
        return new ObjectMapper().readTree(r.body());
    }

    @Test
    void eachSidecarIsATargetLabelledWithItsServiceNamespaceNodeAndVersion() throws Exception {
        connect(sidecar("catalog", null, "127.0.0.2", 4143, Map.of("version", "v2", "app", "catalog"), 4191));
        connect(sidecar("web", "shop", "", 0, Map.of(), 5191));

        JsonNode groups = get();
        assertThat(groups).hasSize(2);
        JsonNode catalog = groups.get(0);
        assertThat(catalog.path("targets")).hasSize(1);
        assertThat(catalog.path("targets").get(0).asText()).isEqualTo("127.0.0.2:4191");
        assertThat(catalog.path("labels").properties()).extracting(Map.Entry::getKey)
                .containsExactly("service", "namespace", "node", "version");
        assertThat(catalog.path("labels").path("service").asText()).isEqualTo("catalog");
        assertThat(catalog.path("labels").path("namespace").asText()).isEqualTo("default");
        assertThat(catalog.path("labels").path("node").asText()).isEqualTo("catalog.default~127.0.0.2:4143");
        assertThat(catalog.path("labels").path("version").asText()).isEqualTo("v2");
        JsonNode web = groups.get(1);
        assertThat(web.path("targets").get(0).asText()).as("a client-only sidecar is on loopback").isEqualTo("127.0.0.1:5191");
        assertThat(web.path("labels").path("namespace").asText()).isEqualTo("shop");
        assertThat(web.path("labels").has("version")).isFalse();
    }

    @Test
    void proxylessClientsAndSidecarsWithoutAnAdminPortAreLeftOut() throws Exception {
        connect(Node.newBuilder().setId("grpc-client").build());
        connect(sidecar("old", null, "127.0.0.1", 4143, Map.of(), 0));
        assertThat(get()).isEmpty();
    }

    @Test
    void aReRegisteredSidecarIsOneTargetNamedByItsNewerStreamAndLeavesWithIt() throws Exception {
        long first = connect(sidecar("catalog", null, "127.0.0.1", 0, Map.of(), 4191));
        long second = connect(sidecar("catalog", null, "127.0.0.1", 4143, Map.of(), 4191));
        JsonNode groups = get();
        assertThat(groups).hasSize(1);
        assertThat(groups.get(0).path("labels").path("node").asText()).isEqualTo("catalog.default~127.0.0.1:4143");

        streams.onStreamClose(first, CLUSTERS);
        assertThat(get()).hasSize(1);
        streams.onStreamClose(second, CLUSTERS);
        assertThat(get()).isEmpty();
    }

    @Test
    void onlyGetIsAllowed() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getAddress().getPort()
                + PrometheusTargetsHandler.PATH)).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(405);
    }
}
