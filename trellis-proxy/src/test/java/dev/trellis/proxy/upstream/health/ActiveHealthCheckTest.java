package dev.trellis.proxy.upstream.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trellis.proxy.config.CircuitBreakers;
import dev.trellis.proxy.config.ClusterConfig;
import dev.trellis.proxy.config.ClusterConfig.UpstreamProtocol;
import dev.trellis.proxy.config.Endpoint;
import dev.trellis.proxy.config.HealthCheck;
import dev.trellis.proxy.config.RetryBudget;
import dev.trellis.proxy.config.RetryPolicy;
import dev.trellis.proxy.config.Route;
import dev.trellis.proxy.config.RouteAction;
import dev.trellis.proxy.config.RouteMatch;
import dev.trellis.proxy.testing.CountingBackend;
import dev.trellis.proxy.testing.ProxyUnderTest;
import dev.trellis.proxy.testing.Snapshots;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Active HTTP health checks against real backends: a failing endpoint leaves the rotation and comes back. */
class ActiveHealthCheckTest {
    private static final HealthCheck CHECK = new HealthCheck("/healthz", Duration.ofMillis(100), Duration.ofMillis(500), 2, 2);

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private CountingBackend backend(String name) throws Exception {
        CountingBackend b = CountingBackend.start(name);
        closeables.add(b);
        return b;
    }

    private static Snapshots svc(HealthCheck check, CountingBackend... backends) {
        Endpoint[] eps = new Endpoint[backends.length];
        for (int i = 0; i < backends.length; i++) {
            eps[i] = Endpoint.of("127.0.0.1", backends[i].port());
        }
        RouteAction action = new RouteAction(List.of(new RouteAction.WeightedCluster("svc", 1)), Duration.ZERO, RetryPolicy.NONE,
                null, null);
        return Snapshots.builder()
                .service("svc", UpstreamProtocol.HTTP1, List.of(new Route("r", RouteMatch.ANY, action)), eps)
                .clusterConfig(new ClusterConfig("svc", "svc", UpstreamProtocol.HTTP1, ClusterConfig.LbPolicy.ROUND_ROBIN,
                        Duration.ofSeconds(1), Duration.ofSeconds(60), CircuitBreakers.DEFAULT, RetryBudget.DEFAULT, null, check));
    }

    /** The backends that answered {@code n} requests. */
    private Set<String> answering(ProxyUnderTest p, int n) throws Exception {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < n; i++) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.outbound() + "/echo"))
                    .header("Host", "svc").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            seen.add(r.body().trim());
        }
        return seen;
    }

    @Test
    void aFailingEndpointLeavesTheRotationAndComesBack() throws Exception {
        CountingBackend a = backend("a");
        CountingBackend b = backend("b");
        CountingBackend c = backend("c");
        ProxyUnderTest p = ProxyUnderTest.start("web", svc(CHECK, a, b, c).build());
        closeables.add(p);
        await().until(() -> p.proxy().metrics().contains("health_check_healthy_endpoints{cluster=\"svc\"} 3"));
        assertThat(answering(p, 12)).containsExactlyInAnyOrder("backend=a", "backend=b", "backend=c");

        b.healthStatus.set(503);
        await().until(() -> p.proxy().metrics().contains("health_check_healthy_endpoints{cluster=\"svc\"} 2"));
        int before = b.requests();
        assertThat(answering(p, 12)).containsExactlyInAnyOrder("backend=a", "backend=c");
        assertThat(b.requests()).isEqualTo(before);

        b.healthStatus.set(200);
        await().until(() -> p.proxy().metrics().contains("health_check_healthy_endpoints{cluster=\"svc\"} 3"));
        assertThat(answering(p, 12)).contains("backend=b");

        String metrics = p.proxy().metrics();
        assertThat(metrics).containsPattern("health_check_total\\{cluster=\"svc\",result=\"success\"} [1-9]");
        assertThat(metrics).containsPattern("health_check_total\\{cluster=\"svc\",result=\"failure\"} [1-9]");
        // Envoy's request: GET path with the cluster's name as Host
        assertThat(b.lastHealthHeaders()).containsEntry("host", "svc").containsEntry("user-agent", "trellis-health-check");
        // one kept-alive connection per endpoint, not one per check
        assertThat(a.acceptedConnections()).isLessThan(a.healthChecks());
    }

    @Test
    void whenEveryEndpointFailsAllTakeTrafficAgain() throws Exception {
        CountingBackend a = backend("a");
        CountingBackend b = backend("b");
        ProxyUnderTest p = ProxyUnderTest.start("web", svc(CHECK, a, b).build());
        closeables.add(p);
        await().until(() -> p.proxy().metrics().contains("health_check_healthy_endpoints{cluster=\"svc\"} 2"));
        a.healthStatus.set(500);
        b.healthStatus.set(500);
        await().until(() -> p.proxy().metrics().contains("health_check_healthy_endpoints{cluster=\"svc\"} 0"));
        // panic routing: a service whose checks all fail still serves
        assertThat(answering(p, 8)).containsExactlyInAnyOrder("backend=a", "backend=b");
    }

    @Test
    void checksFollowTheEndpointsAndStopWithTheHealthCheck() throws Exception {
        CountingBackend a = backend("a");
        CountingBackend b = backend("b");
        ProxyUnderTest p = ProxyUnderTest.start("web", svc(CHECK, a, b).build());
        closeables.add(p);
        await().until(() -> a.healthChecks() > 2 && b.healthChecks() > 2);

        p.proxy().apply(svc(CHECK, a).build(), "test");
        int stopped = b.healthChecks();
        // at most the check in flight still lands; at 100 ms intervals another four would have
        await().during(Duration.ofMillis(400)).atMost(Duration.ofSeconds(2)).until(() -> b.healthChecks() <= stopped + 1);
        int aBefore = a.healthChecks();
        await().until(() -> a.healthChecks() > aBefore + 2);

        p.proxy().apply(svc(null, a).build(), "test");
        int off = a.healthChecks();
        await().during(Duration.ofMillis(400)).atMost(Duration.ofSeconds(2)).until(() -> a.healthChecks() <= off + 1);
        assertThat(answering(p, 2)).containsExactly("backend=a");
    }

    @Test
    void meshedEndpointsAreCheckedOverHttp2ThroughTheirSidecar() throws Exception {
        CountingBackend app = backend("app");
        ProxyUnderTest destination = ProxyUnderTest.start("svc", Snapshots.builder().app(app.port(), UpstreamProtocol.HTTP1).build());
        closeables.add(destination);
        Endpoint meshed = new Endpoint("127.0.0.1", destination.inbound(), 1, Map.of(), true);
        RouteAction action = new RouteAction(List.of(new RouteAction.WeightedCluster("svc", 1)), Duration.ZERO, RetryPolicy.NONE,
                null, null);
        ProxyUnderTest p = ProxyUnderTest.start("web", Snapshots.builder()
                .service("svc", UpstreamProtocol.HTTP1, List.of(new Route("r", RouteMatch.ANY, action)), meshed)
                .clusterConfig(new ClusterConfig("svc", "svc", UpstreamProtocol.HTTP1, ClusterConfig.LbPolicy.ROUND_ROBIN,
                        Duration.ofSeconds(1), Duration.ofSeconds(60), CircuitBreakers.DEFAULT, RetryBudget.DEFAULT, null, CHECK))
                .build());
        closeables.add(p);
        await().until(() -> p.proxy().metrics().contains("health_check_healthy_endpoints{cluster=\"svc\"} 1"));
        assertThat(app.lastHealthHeaders()).containsEntry("user-agent", "trellis-health-check");
        app.healthStatus.set(503);
        await().until(() -> p.proxy().metrics().contains("health_check_healthy_endpoints{cluster=\"svc\"} 0"));
        app.healthStatus.set(200);
        await().until(() -> p.proxy().metrics().contains("health_check_healthy_endpoints{cluster=\"svc\"} 1"));
        // the checks went through the destination's sidecar to its application
        assertThat(app.healthChecks()).isGreaterThanOrEqualTo(3);
        assertThat(app.lastHealthHeaders()).containsEntry("host", "svc");
    }

    @Test
    void aNewEndpointTakesTrafficOnceItsFirstCheckPasses() throws Exception {
        CountingBackend a = backend("a");
        CountingBackend b = backend("b");
        b.healthStatus.set(503);
        ProxyUnderTest p = ProxyUnderTest.start("web", svc(CHECK, a).build());
        closeables.add(p);
        await().until(() -> p.proxy().metrics().contains("health_check_healthy_endpoints{cluster=\"svc\"} 1"));
        p.proxy().apply(svc(CHECK, a, b).build(), "test");
        await().until(() -> b.healthChecks() > 0);
        // b never passed a check: it is not in the rotation
        assertThat(answering(p, 6)).containsExactly("backend=a");
        assertThat(p.proxy().metrics()).contains("health_check_healthy_endpoints{cluster=\"svc\"} 1");
        assertThat(b.requests()).isZero();
    }
}
