package dev.trellis.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.proxy.config.CircuitBreakers;
import dev.trellis.proxy.config.ClusterConfig;
import dev.trellis.proxy.config.ClusterConfig.UpstreamProtocol;
import dev.trellis.proxy.config.Endpoint;
import dev.trellis.proxy.config.FaultPolicy;
import dev.trellis.proxy.config.OutlierDetection;
import dev.trellis.proxy.config.RateLimit;
import dev.trellis.proxy.config.RetryBudget;
import dev.trellis.proxy.config.RetryPolicy;
import dev.trellis.proxy.config.RetryPolicy.RetryOn;
import dev.trellis.proxy.config.Route;
import dev.trellis.proxy.config.RouteAction;
import dev.trellis.proxy.config.RouteMatch;
import dev.trellis.proxy.testing.ProxyUnderTest;
import dev.trellis.proxy.testing.Snapshots;
import dev.trellis.proxy.testing.TestBackend;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Each policy against upstreams that fail in controlled ways. */
class ResilienceTest {
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private TestBackend backend(String name) throws Exception {
        TestBackend b = TestBackend.start(name);
        closeables.add(b);
        return b;
    }

    private ProxyUnderTest proxy(Snapshots s) throws Exception {
        ProxyUnderTest p = ProxyUnderTest.start("web", s.build());
        closeables.add(p);
        return p;
    }

    private static RouteAction action(RetryPolicy retry, Duration timeout, FaultPolicy fault, RateLimit rateLimit) {
        return new RouteAction(List.of(new RouteAction.WeightedCluster("svc", 1)), timeout, retry, fault, rateLimit);
    }

    private static Snapshots svc(RouteAction action, ClusterConfig cluster, Endpoint... eps) {
        Snapshots s = Snapshots.builder().service("svc", UpstreamProtocol.HTTP1, List.of(new Route("r", RouteMatch.ANY, action)), eps);
        if (cluster != null) {
            s.clusterConfig(cluster);
        }
        return s;
    }

    private static ClusterConfig cluster(CircuitBreakers breakers, RetryBudget budget, OutlierDetection outlier) {
        return new ClusterConfig("svc", "svc", UpstreamProtocol.HTTP1, ClusterConfig.LbPolicy.ROUND_ROBIN,
                Duration.ofSeconds(1), Duration.ofSeconds(60), breakers, budget, outlier, null);
    }

    private HttpResponse<String> get(ProxyUnderTest p, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.outbound() + path)).header("Host", "svc");
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void deadEndpointCostsCallersNothingByDefault() throws Exception {
        TestBackend a = backend("a");
        TestBackend b = backend("b");
        ProxyUnderTest p = proxy(svc(RouteAction.to("svc"), null, Endpoint.of("127.0.0.1", a.port()), Endpoint.of("127.0.0.1", b.port()),
                Endpoint.of("127.0.0.1", Http1ProxyTest.closedPort())));
        for (int i = 0; i < 60; i++) {
            assertThat(get(p, "/echo").statusCode()).isEqualTo(200);
        }
        // the dead endpoint stops being tried after a handful of connect failures: ejected by outlier detection
        // (5 in a row), or priced out by the balancer first; either way it is not hit once per three requests
        String metrics = p.proxy().metrics();
        java.util.regex.Matcher retries = java.util.regex.Pattern.compile("retries_total\\{cluster=\"svc\"} (\\d+)").matcher(metrics);
        assertThat(retries.find()).as("retries_total in:%n%s", metrics).isTrue();
        assertThat(Integer.parseInt(retries.group(1))).as("connect failures retried, of 60 requests").isLessThanOrEqualTo(10);
    }

    @Test
    void retryConditionsDecideWhatIsRetried() throws Exception {
        TestBackend good = backend("good");
        TestBackend bad = backend("bad");
        RetryPolicy retry = new RetryPolicy(2, Set.of(RetryOn.RETRIABLE_STATUS_CODES), Set.of(503), Set.of(),
                Duration.ofMillis(1), Duration.ofMillis(5), Duration.ZERO, false, 65536);
        ProxyUnderTest p = proxy(svc(action(retry, Duration.ZERO, null, null),
                cluster(CircuitBreakers.DEFAULT, RetryBudget.DEFAULT, null),
                Endpoint.of("127.0.0.1", good.port()), Endpoint.of("127.0.0.1", bad.port())));
        bad.close();
        int ok = 0;
        for (int i = 0; i < 20; i++) {
            int s = get(p, "/echo").statusCode();
            ok += s == 200 ? 1 : 0;
        }
        // connect failure is not in retryOn: roughly half fail with 502 and are not retried
        assertThat(ok).isLessThan(20);

        RetryPolicy withConnect = new RetryPolicy(2, Set.of(RetryOn.RETRIABLE_STATUS_CODES, RetryOn.CONNECT_FAILURE), Set.of(503),
                Set.of(), Duration.ofMillis(1), Duration.ofMillis(5), Duration.ZERO, false, 65536);
        p.proxy().apply(svc(action(withConnect, Duration.ZERO, null, null), cluster(CircuitBreakers.DEFAULT, RetryBudget.DEFAULT, null),
                Endpoint.of("127.0.0.1", good.port()), Endpoint.of("127.0.0.1", bad.port())).build(), "test");
        for (int i = 0; i < 20; i++) {
            assertThat(get(p, "/echo").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void statusRetriesReplayTheBodyAndStopAtMaxAttempts() throws Exception {
        TestBackend b = backend("b");
        RetryPolicy retry = new RetryPolicy(3, Set.of(RetryOn.SERVER_ERROR), Set.of(), Set.of(),
                Duration.ofMillis(1), Duration.ofMillis(2), Duration.ZERO, true, 65536);
        ProxyUnderTest p = proxy(svc(action(retry, Duration.ZERO, null, null),
                cluster(CircuitBreakers.DEFAULT, new RetryBudget(0.2, 1000, Duration.ofSeconds(10)), null), Endpoint.of("127.0.0.1", b.port())));
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.outbound() + "/status/500"))
                .header("Host", "svc").POST(HttpRequest.BodyPublishers.ofString("payload")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(b.requests()).isEqualTo(4); // the first try and three retries
        assertThat(p.proxy().metrics()).contains("retries_total{cluster=\"svc\"} 3");
    }

    @Test
    void retryBudgetBoundsRetriesWhenEverythingFails() throws Exception {
        TestBackend b = backend("b");
        RetryPolicy retry = new RetryPolicy(3, Set.of(RetryOn.SERVER_ERROR), Set.of(), Set.of(),
                Duration.ofMillis(1), Duration.ofMillis(1), Duration.ZERO, false, 65536);
        // 20 % of requests plus 1 retry per second over a 10 s window
        ProxyUnderTest p = proxy(svc(action(retry, Duration.ZERO, null, null),
                cluster(CircuitBreakers.DEFAULT, new RetryBudget(0.2, 1, Duration.ofSeconds(10)), null), Endpoint.of("127.0.0.1", b.port())));
        int requests = 100;
        for (int i = 0; i < requests; i++) {
            assertThat(get(p, "/status/503").statusCode()).isEqualTo(503);
        }
        int retries = b.requests() - requests;
        assertThat(retries).isLessThanOrEqualTo((int) (0.2 * requests) + 10).isGreaterThan(0);
        assertThat(p.proxy().metrics()).contains("retry_budget_exhausted_total{cluster=\"svc\"}");
    }

    @Test
    void perTryTimeoutMovesToAnotherEndpoint() throws Exception {
        TestBackend b = backend("b");
        RetryPolicy retry = new RetryPolicy(1, Set.of(RetryOn.RESET), Set.of(), Set.of(),
                Duration.ofMillis(1), Duration.ofMillis(1), Duration.ofMillis(200), false, 65536);
        ProxyUnderTest p = proxy(svc(action(retry, Duration.ofSeconds(5), null, null), null, Endpoint.of("127.0.0.1", b.port())));
        HttpResponse<String> r = get(p, "/slow?ms=2000");
        assertThat(r.statusCode()).isEqualTo(504);
        assertThat(r.headers().firstValue("trellis-error")).hasValue("upstream-timeout");
        assertThat(b.requests()).isEqualTo(2);
    }

    @Test
    void requestTimeoutAnswers504WithItsCause() throws Exception {
        TestBackend b = backend("b");
        ProxyUnderTest p = proxy(svc(action(RetryPolicy.DEFAULT, Duration.ofMillis(300), null, null), null, Endpoint.of("127.0.0.1", b.port())));
        long start = System.nanoTime();
        HttpResponse<String> r = get(p, "/slow?ms=3000");
        assertThat(r.statusCode()).isEqualTo(504);
        assertThat(r.headers().firstValue("trellis-error")).hasValue("request-timeout");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2500));
    }

    @Test
    void circuitBreakerShedsLoadAtOnce() throws Exception {
        TestBackend b = backend("b");
        ProxyUnderTest p = proxy(svc(RouteAction.to("svc"), cluster(new CircuitBreakers(100, 100, 2, 3), RetryBudget.DEFAULT, null),
                Endpoint.of("127.0.0.1", b.port())));
        HttpClient async = HttpClient.newHttpClient();
        List<CompletableFuture<HttpResponse<String>>> slow = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            slow.add(async.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.outbound() + "/slow?ms=1500"))
                    .header("Host", "svc").build(), HttpResponse.BodyHandlers.ofString()));
        }
        org.awaitility.Awaitility.await().until(() -> b.requests() == 2);
        long start = System.nanoTime();
        HttpResponse<String> shed = get(p, "/echo");
        assertThat(shed.statusCode()).isEqualTo(503);
        assertThat(shed.headers().firstValue("trellis-error")).hasValue("overflow");
        // at once: not after waiting for one of the two 1.5 s requests to free its slot
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1000));
        for (CompletableFuture<HttpResponse<String>> f : slow) {
            assertThat(f.get().statusCode()).isEqualTo(200);
        }
        assertThat(get(p, "/echo").statusCode()).isEqualTo(200);
    }

    @Test
    void outlierDetectionEjectsAFailingEndpoint() throws Exception {
        TestBackend good = backend("good");
        TestBackend failing = backend("failing");
        OutlierDetection od = new OutlierDetection(3, 3, Duration.ofSeconds(1), Duration.ofSeconds(30), 50, 0, 100, 1.9, 50);
        ProxyUnderTest p = proxy(svc(action(RetryPolicy.NONE, Duration.ZERO, null, null),
                cluster(CircuitBreakers.DEFAULT, RetryBudget.DEFAULT, od),
                Endpoint.of("127.0.0.1", good.port()), Endpoint.of("127.0.0.1", failing.port())));
        failing.close();
        int failures = 0;
        for (int i = 0; i < 40; i++) {
            failures += get(p, "/echo").statusCode() == 200 ? 0 : 1;
        }
        // two workers each see the dead endpoint a few times before it is ejected, then never again
        assertThat(failures).isBetween(3, 8);
        assertThat(p.proxy().metrics()).contains("outlier_ejected_endpoints{cluster=\"svc\"} 1");
    }

    @Test
    void faultsAreInjectedByPercentageAndByHeader() throws Exception {
        TestBackend b = backend("b");
        FaultPolicy fault = new FaultPolicy(null, new FaultPolicy.Abort(100, 418, null), false);
        ProxyUnderTest p = proxy(svc(action(RetryPolicy.DEFAULT, Duration.ZERO, fault, null), null, Endpoint.of("127.0.0.1", b.port())));
        HttpResponse<String> r = get(p, "/echo");
        assertThat(r.statusCode()).isEqualTo(418);
        assertThat(r.headers().firstValue("trellis-error")).hasValue("fault-injected");
        assertThat(b.requests()).isZero();

        p.proxy().apply(svc(action(RetryPolicy.DEFAULT, Duration.ZERO, new FaultPolicy(null, null, true), null), null,
                Endpoint.of("127.0.0.1", b.port())).build(), "test");
        long start = System.nanoTime();
        assertThat(get(p, "/echo", "x-trellis-fault-delay", "400").statusCode()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
        assertThat(get(p, "/echo", "x-trellis-fault-abort", "503").statusCode()).isEqualTo(503);
        assertThat(p.proxy().metrics()).contains("faults_injected_total{", "kind=\"delay\"", "kind=\"abort\"");
    }

    @Test
    void rateLimitAnswers429() throws Exception {
        TestBackend b = backend("b");
        ProxyUnderTest p = proxy(svc(action(RetryPolicy.DEFAULT, Duration.ZERO, null, new RateLimit(5, 5, Duration.ofHours(1))), null,
                Endpoint.of("127.0.0.1", b.port())));
        int ok = 0;
        int limited = 0;
        for (int i = 0; i < 10; i++) {
            int s = get(p, "/echo").statusCode();
            ok += s == 200 ? 1 : 0;
            limited += s == 429 ? 1 : 0;
        }
        assertThat(ok).isEqualTo(5);
        assertThat(limited).isEqualTo(5);
        assertThat(p.proxy().metrics()).contains("rate_limited_total{");
    }
}
