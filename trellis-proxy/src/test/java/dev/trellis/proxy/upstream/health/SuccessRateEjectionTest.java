package dev.trellis.proxy.upstream.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trellis.proxy.config.CircuitBreakers;
import dev.trellis.proxy.config.ClusterConfig;
import dev.trellis.proxy.config.ClusterConfig.UpstreamProtocol;
import dev.trellis.proxy.config.Endpoint;
import dev.trellis.proxy.config.OutlierDetection;
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
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Success-rate outlier ejection with real backends: the one host failing far more than the others goes out. */
class SuccessRateEjectionTest {
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    @Test
    void ejectsTheBadHostAmongFive() throws Exception {
        List<CountingBackend> backends = new ArrayList<>();
        List<Endpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            CountingBackend b = CountingBackend.start("b" + i);
            closeables.add(b);
            backends.add(b);
            endpoints.add(Endpoint.of("127.0.0.1", b.port()));
        }
        CountingBackend bad = backends.get(2);
        bad.failing.set(true);
        // consecutive-failure detectors off: only the success rate can eject
        OutlierDetection od = new OutlierDetection(0, 0, Duration.ofMillis(500), Duration.ofSeconds(30), 20, 5, 10, 1.9, 50);
        RouteAction action = new RouteAction(List.of(new RouteAction.WeightedCluster("svc", 1)), Duration.ZERO, RetryPolicy.NONE,
                null, null);
        ProxyUnderTest p = ProxyUnderTest.start("web", Snapshots.builder()
                .service("svc", UpstreamProtocol.HTTP1, List.of(new Route("r", RouteMatch.ANY, action)), endpoints.toArray(Endpoint[]::new))
                .clusterConfig(new ClusterConfig("svc", "svc", UpstreamProtocol.HTTP1, ClusterConfig.LbPolicy.ROUND_ROBIN,
                        Duration.ofSeconds(1), Duration.ofSeconds(60), CircuitBreakers.DEFAULT, RetryBudget.DEFAULT, od, null))
                .build());
        closeables.add(p);

        // steady traffic: every host gets well over the request volume in each interval
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(10)).until(() -> {
            for (int i = 0; i < 50; i++) {
                get(p);
            }
            return p.proxy().metrics().contains("outlier_success_rate_ejections_total{cluster=\"svc\"} 1");
        });
        assertThat(p.proxy().metrics()).contains("outlier_ejected_endpoints{cluster=\"svc\"} 1");
        int badBefore = bad.requests();
        for (int i = 0; i < 40; i++) {
            assertThat(get(p)).isEqualTo(200);
        }
        assertThat(bad.requests()).isEqualTo(badBefore);
        // every good host kept its share
        for (CountingBackend b : backends) {
            if (b != bad) {
                assertThat(b.requests()).isGreaterThan(10);
            }
        }
    }

    private int get(ProxyUnderTest p) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.outbound() + "/echo")).header("Host", "svc").build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }
}
