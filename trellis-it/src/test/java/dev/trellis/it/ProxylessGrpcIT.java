package dev.trellis.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trellis.demo.proto.RecommendGrpc;
import dev.trellis.demo.proto.RecommendReply;
import dev.trellis.demo.proto.RecommendRequest;
import dev.trellis.demo.proto.Recommendation;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interoperability with an xDS client nobody here wrote: grpc-java's own xds resolver (proxyless gRPC),
 * bootstrapped from a file that names the Trellis control plane, resolves a mesh service, balances across
 * its endpoints and follows route and endpoint changes. The backends register through the REST API.
 */
class ProxylessGrpcIT {
    static final String MESH = """
            apiVersion: trellis.dev/v1alpha1
            kind: Service
            metadata: {name: recommend}
            spec:
              protocol: grpc
              port: 50051
              selector: {app: recommend}
            ---
            apiVersion: trellis.dev/v1alpha1
            kind: Service
            metadata: {name: recommend-v2}
            spec:
              protocol: grpc
              port: 50051
              selector: {app: recommend, version: v2}
            """;

    @TempDir
    static Path dir;
    static TrellisProcess cp;
    static int apiPort;
    static ManagedChannel channel;
    static RecommendGrpc.RecommendBlockingStub stub;
    static final List<Server> servers = new ArrayList<>();
    static final HttpClient http = HttpClient.newHttpClient();

    /** Answers with its own name as the only item, so a test sees which endpoint served a call. */
    static final class Named extends RecommendGrpc.RecommendImplBase {
        private final String name;

        Named(String name) {
            this.name = name;
        }

        @Override
        public void top(RecommendRequest request, StreamObserver<RecommendReply> response) {
            response.onNext(RecommendReply.newBuilder().addItems(Recommendation.newBuilder().setItem(name)).build());
            response.onCompleted();
        }

        @Override
        public void feed(RecommendRequest request, StreamObserver<Recommendation> response) {
            for (int i = 0; i < request.getLimit(); i++) {
                response.onNext(Recommendation.newBuilder().setItem(name + "-" + i).setScore(i).build());
            }
            response.onCompleted();
        }
    }

    static int serve(String name) throws Exception {
        Server s = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .addService(new Named(name)).build().start();
        servers.add(s);
        return s.getPort();
    }

    /** Registers an instance through the REST API; returns its id. */
    static String register(int port, String version) throws Exception {
        String body = new ObjectMapper().writeValueAsString(Map.of("service", "recommend", "address", "127.0.0.1", "port", port,
                "labels", Map.of("version", version), "ttlSeconds", 300));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + "/api/v1/instances"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return new ObjectMapper().readTree(r.body()).path("id").asText();
    }

    static void deregister(String id) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + "/api/v1/instances/" + id))
                .DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    static void apply(String yaml) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + "/api/v1/resources"))
                .POST(HttpRequest.BodyPublishers.ofString(yaml)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    @BeforeAll
    static void start() throws Exception {
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Files.writeString(conf.resolve("mesh.yaml"), MESH);
        int xdsPort = SidecarProcess.freePort();
        apiPort = SidecarProcess.freePort();
        cp = TrellisProcess.controlPlane(conf, xdsPort, apiPort, dir.resolve("control-plane.log"));
        register(serve("v1-a"), "v1");
        register(serve("v1-b"), "v1");

        Path bootstrap = dir.resolve("xds-bootstrap.json");
        Files.writeString(bootstrap, """
                {
                  "xds_servers": [{"server_uri": "127.0.0.1:%d", "channel_creds": [{"type": "insecure"}], "server_features": ["xds_v3"]}],
                  "node": {"id": "proxyless-it", "cluster": "it"}
                }
                """.formatted(xdsPort));
        System.setProperty("io.grpc.xds.bootstrap", bootstrap.toString());
        channel = Grpc.newChannelBuilder("xds:///recommend", InsecureChannelCredentials.create()).build();
        stub = RecommendGrpc.newBlockingStub(channel);
    }

    @AfterAll
    static void stop() throws Exception {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        System.clearProperty("io.grpc.xds.bootstrap");
        for (Server s : servers) {
            s.shutdownNow();
        }
        if (cp != null) {
            cp.close();
        }
    }

    private static String top() {
        return stub.withDeadlineAfter(10, TimeUnit.SECONDS).top(RecommendRequest.newBuilder().setUser("it").setLimit(1).build())
                .getItems(0).getItem();
    }

    private static Set<String> served(int calls) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < calls; i++) {
            seen.add(top());
        }
        return seen;
    }

    @Test
    void resolvesAMeshServiceBalancesAcrossItsEndpointsAndFollowsChanges() throws Exception {
        // unary, balanced over both registered endpoints
        Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .untilAsserted(() -> assertThat(served(60)).containsExactlyInAnyOrder("v1-a", "v1-b"));

        // server streaming through the same resolution
        List<String> items = new ArrayList<>();
        stub.withDeadlineAfter(10, TimeUnit.SECONDS).feed(RecommendRequest.newBuilder().setUser("it").setLimit(3).build())
                .forEachRemaining(r -> items.add(r.getItem()));
        assertThat(items).hasSize(3).allMatch(i -> i.startsWith("v1-"));

        // an endpoint change: a new instance joins, one leaves
        String v2 = register(serve("v2-a"), "v2");
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(served(60)).contains("v2-a"));

        // a route change: everything to recommend-v2
        apply("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: recommend-canary}
                spec:
                  parentRefs: [{kind: Service, name: recommend}]
                  rules:
                    - backendRefs: [{name: recommend-v2}]
                """);
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(served(30)).containsExactly("v2-a"));

        register(serve("v2-b"), "v2");
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(served(60)).containsExactlyInAnyOrder("v2-a", "v2-b"));
        deregister(v2);
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(served(30)).containsExactly("v2-b"));
    }
}
