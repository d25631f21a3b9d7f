package dev.trellis.proxy.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.trellis.proxy.config.MirrorPolicy;
import dev.trellis.proxy.config.RouteTable;
import dev.trellis.proxy.testing.GrpcEcho;
import dev.trellis.proxy.testing.ProxyUnderTest;
import dev.trellis.proxy.testing.YamlSnapshots;
import io.envoyproxy.envoy.config.core.v3.RuntimeFractionalPercent;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * RequestMirror from YAML through xDS to a real proxy and two real applications: the caller gets the primary's
 * answer, the mirror a copy with the same method, path and body and a "-shadow" Host, whatever the mirror does.
 */
class RequestMirrorTest {
    record Seen(String method, String path, String host, String body) {}

    HttpServer primary;
    HttpServer mirror;
    final List<Seen> primarySaw = new CopyOnWriteArrayList<>();
    final List<Seen> mirrorSaw = new CopyOnWriteArrayList<>();
    /** Released to let the mirror answer; until then its handler waits. */
    final CountDownLatch mirrorMayAnswer = new CountDownLatch(1);
    volatile boolean mirrorWaits;
    ProxyUnderTest proxy;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void start() throws IOException {
        primary = app(primarySaw, "primary");
        mirror = app(mirrorSaw, "mirror");
    }

    private HttpServer app(List<Seen> saw, String answer) throws IOException {
        HttpServer app = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        app.setExecutor(Executors.newCachedThreadPool());
        app.createContext("/", ex -> {
            try (ex) {
                String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                saw.add(new Seen(ex.getRequestMethod(), ex.getRequestURI().toString(), ex.getRequestHeaders().getFirst("Host"), body));
                if (answer.equals("mirror") && mirrorWaits) {
                    mirrorMayAnswer.await(10, TimeUnit.SECONDS);
                }
                byte[] out = answer.getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(answer.equals("mirror") ? 500 : 200, out.length);
                ex.getResponseBody().write(out);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        app.start();
        return app;
    }

    @AfterEach
    void stop() {
        mirrorMayAnswer.countDown();
        if (proxy != null) {
            proxy.close();
        }
        primary.stop(0);
        mirror.stop(0);
    }

    /** Services catalog (the primary) and catalog-next (at {@code mirrorPort}), and a catalog route with these filters. */
    private void startProxy(int mirrorPort, String filters) throws InterruptedException {
        String yaml = YamlSnapshots.catalogRoute(primary.getAddress().getPort(), """
                - backendRefs: [{name: catalog}]
                  filters:
                """ + filters.indent(4)) + """
                ---
                apiVersion: trellis.dev/v1alpha1
                kind: Service
                metadata: {name: catalog-next}
                spec: {port: 8080, endpoints: [{address: "127.0.0.1:%d"}]}
                """.formatted(mirrorPort);
        proxy = ProxyUnderTest.start("web", YamlSnapshots.of(yaml, "web"));
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.outbound() + path))
                .header("Host", "catalog:8080").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String metrics() throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.admin() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void theMirrorGetsACopyWithTheBodyAndAShadowHostWhileTheCallerGetsThePrimarysAnswer() throws Exception {
        startProxy(mirror.getAddress().getPort(), "- {type: RequestMirror, requestMirror: {backendRef: {name: catalog-next}}}");
        String body = "item-".repeat(4000); // 20 KB: several body parts
        HttpResponse<String> r = post("/items?page=2", body);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("primary");
        assertThat(primarySaw).containsExactly(new Seen("POST", "/items?page=2", "catalog:8080", body));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !mirrorSaw.isEmpty());
        assertThat(mirrorSaw).containsExactly(new Seen("POST", "/items?page=2", "catalog-shadow:8080", body));
        Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(metrics())
                .contains("request_mirrors_total{direction=\"outbound\",cluster=\"catalog-next.default\",result=\"ok\"} 1"));
    }

    @Test
    void aMirrorThatHangsOrIsDownNeverHoldsUpTheCaller() throws Exception {
        mirrorWaits = true;
        startProxy(mirror.getAddress().getPort(), "- {type: RequestMirror, requestMirror: {backendRef: {name: catalog-next}}}");
        for (int i = 0; i < 3; i++) {
            assertThat(post("/slow", "x").body()).isEqualTo("primary");
        }
        // every answer came while the mirror was still holding its copies
        assertThat(mirrorMayAnswer.getCount()).isEqualTo(1);
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> mirrorSaw.size() == 3);
        mirrorMayAnswer.countDown();
        Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(metrics())
                .contains("request_mirrors_total{direction=\"outbound\",cluster=\"catalog-next.default\",result=\"ok\"} 3"));

        proxy.close();
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        startProxy(closedPort, "- {type: RequestMirror, requestMirror: {backendRef: {name: catalog-next}}}");
        assertThat(post("/down", "y").statusCode()).isEqualTo(200);
        Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(metrics())
                .contains("request_mirrors_total{direction=\"outbound\",cluster=\"catalog-next.default\",result=\"failed\"} 1"));
    }

    @Test
    void aFractionCopiesAboutThatShareOfRequests() throws Exception {
        startProxy(mirror.getAddress().getPort(), """
                - {type: RequestMirror, requestMirror: {backendRef: {name: catalog-next}, fraction: {numerator: 1, denominator: 4}}}
                """);
        int requests = 400;
        for (int i = 0; i < requests; i++) {
            assertThat(post("/sampled", "z").statusCode()).isEqualTo(200);
        }
        Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            String m = metrics();
            Matcher matcher = Pattern.compile("request_mirrors_total\\{[^}]*result=\"ok\"} (\\d+)").matcher(m);
            assertThat(matcher.find()).isTrue();
            assertThat(Integer.parseInt(matcher.group(1))).isEqualTo(mirrorSaw.size());
        });
        // a quarter of 400 is 100, with a standard deviation of about 8.7: outside 50..150 is a 1-in-10^8 draw
        assertThat(mirrorSaw.size()).isBetween(50, 150);
        assertThat(primarySaw).hasSize(requests);
    }

    @Test
    void aGrpcStreamIsCopiedOverHttp2MessageByMessage() throws Exception {
        try (GrpcEcho main = GrpcEcho.start(); GrpcEcho next = GrpcEcho.start()) {
            String yaml = YamlSnapshots.grpcService("echo", main.port()) + YamlSnapshots.grpcService("echo-next", next.port()) + """
                    apiVersion: gateway.networking.k8s.io/v1
                    kind: HTTPRoute
                    metadata: {name: echo}
                    spec:
                      parentRefs: [{kind: Service, name: echo}]
                      rules:
                        - backendRefs: [{name: echo}]
                          filters: [{type: RequestMirror, requestMirror: {backendRef: {name: echo-next}}}]
                    """;
            proxy = ProxyUnderTest.start("web", YamlSnapshots.of(yaml, "web"));
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", proxy.outbound()).overrideAuthority("echo:9090")
                    .usePlaintext().build();
            try {
                CompletableFuture<String> joined = new CompletableFuture<>();
                StreamObserver<String> stream = ClientCalls.asyncClientStreamingCall(
                        channel.newCall(GrpcEcho.CLIENT_STREAM, CallOptions.DEFAULT), new StreamObserver<>() {
                            @Override
                            public void onNext(String value) {
                                joined.complete(value);
                            }

                            @Override
                            public void onError(Throwable t) {
                                joined.completeExceptionally(t);
                            }

                            @Override
                            public void onCompleted() {
                            }
                        });
                StringBuilder sent = new StringBuilder();
                for (int i = 0; i < 200; i++) {
                    stream.onNext("m" + i + ";");
                    sent.append("m").append(i).append(';');
                }
                stream.onCompleted();
                assertThat(joined.get(10, TimeUnit.SECONDS)).isEqualTo(sent.toString());
                Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !next.clientStreams.isEmpty());
                assertThat(next.clientStreams).containsExactly(sent.toString());
                assertThat(main.clientStreams).containsExactly(sent.toString());
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void envoysMirrorPoliciesAreDecodedAndTheUnsupportedOnesRefused() {
        RouteAction.RequestMirrorPolicy half = RouteAction.RequestMirrorPolicy.newBuilder().setCluster("shadow")
                .setRuntimeFraction(RuntimeFractionalPercent.newBuilder().setDefaultValue(FractionalPercent.newBuilder()
                        .setNumerator(5000).setDenominator(FractionalPercent.DenominatorType.TEN_THOUSAND)))
                .setDisableShadowHostSuffixAppend(true).build();
        RouteTable table = RouteDecoder.decode(table(RouteAction.newBuilder().setCluster("catalog")
                .addRequestMirrorPolicies(RouteAction.RequestMirrorPolicy.newBuilder().setCluster("shadow"))
                .addRequestMirrorPolicies(half)));
        assertThat(table.virtualHosts().get(0).routes().get(0).action().mirrors()).containsExactly(
                new MirrorPolicy("shadow", 1_000_000, true), new MirrorPolicy("shadow", 500_000, false));

        assertThatThrownBy(() -> RouteDecoder.decode(table(RouteAction.newBuilder().setCluster("catalog")
                .addRequestMirrorPolicies(RouteAction.RequestMirrorPolicy.newBuilder().setClusterHeader("x-mirror")))))
                .hasMessageContaining("routes[0].route.request_mirror_policies[0].cluster_header: x-mirror (expected: cluster)");
        assertThatThrownBy(() -> RouteDecoder.decode(table(RouteAction.newBuilder().setCluster("catalog")
                .addRequestMirrorPolicies(RouteAction.RequestMirrorPolicy.newBuilder()))))
                .hasMessageContaining("request_mirror_policies[0].cluster: \"\" (expected: a cluster name)");
    }

    private static RouteConfiguration table(RouteAction.Builder action) {
        return RouteConfiguration.newBuilder().setName("outbound").addVirtualHosts(VirtualHost.newBuilder().setName("catalog")
                .addDomains("catalog").addRoutes(Route.newBuilder().setName("r").setMatch(RouteMatch.newBuilder().setPrefix("/"))
                        .setRoute(action))).build();
    }
}
