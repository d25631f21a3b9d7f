package dev.trellis.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real control plane scraping real proxies after a known mix of requests (24 answered 200, 6 answered
 * 500): the stats and proxies API, and the views built on them (stat, proxy-config, check).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ObservabilityTest {
    static final int OK = 24;
    static final int FAILED = 6;

    @TempDir
    static Path dir;
    MeshFixture mesh;

    /** The proxies' latency bucket bounds in milliseconds (Linkerd's). */
    static final double[] BOUNDS = {1, 2, 3, 4, 5, 10, 20, 30, 40, 50, 100, 200, 300, 400, 500, 1000, 2000, 3000, 4000, 5000, 10000};
    /** The upper bound of the bucket holding the median as the client measured it (which includes the proxies' time). */
    static double medianBucketTop;

    @BeforeAll
    void start() throws Exception {
        mesh = new MeshFixture(dir);
        double[] millis = new double[OK + FAILED];
        for (int i = 0; i < OK + FAILED; i++) {
            long t0 = System.nanoTime();
            assertThat(mesh.call(i < OK ? "/ok/" + i : "/fail/" + i)).isEqualTo(i < OK ? 200 : 500);
            millis[i] = (System.nanoTime() - t0) / 1e6;
        }
        java.util.Arrays.sort(millis);
        double median = millis[millis.length / 2];
        medianBucketTop = java.util.Arrays.stream(BOUNDS).filter(b -> b >= median).findFirst().orElse(Double.MAX_VALUE);
        await().atMost(Duration.ofSeconds(20)).until(() -> stats("").path("edges").path(0).path("requests").asLong() == OK + FAILED
                && service(stats(""), "catalog").path("requests").asLong() == OK + FAILED);
    }

    @AfterAll
    void stop() {
        mesh.close();
    }

    JsonNode stats(String query) throws Exception {
        return ControlPlaneApi.JSON.readTree(mesh.apiGet("/api/v1/stats?window=5m" + query));
    }

    static JsonNode service(JsonNode stats, String name) {
        for (JsonNode s : stats.path("services")) {
            if (s.path("name").asText().equals(name)) {
                return s;
            }
        }
        return ControlPlaneApi.JSON.missingNode();
    }

    @Test
    void statsCountEveryResponseWithItsClassAndLatency() throws Exception {
        JsonNode stats = stats("");
        assertThat(stats.path("window").asText()).isEqualTo("5m");

        JsonNode catalog = service(stats, "catalog");
        assertThat(catalog.path("meshed").asBoolean()).isTrue();
        assertThat(catalog.path("proxies").asInt()).isEqualTo(1);
        assertThat(catalog.path("requests").asLong()).isEqualTo(30);
        assertThat(catalog.path("successRate").asDouble()).isEqualTo(0.8);
        assertThat(catalog.path("rps").asDouble()).isPositive();
        // every request takes at least the app's 60 ms; the median is at most the bucket the client's median falls in
        assertThat(catalog.path("latencyMs").path("p50").asDouble()).isBetween(50.0, medianBucketTop);
        assertThat(catalog.path("latencyMs").path("p99").asDouble()).isGreaterThanOrEqualTo(catalog.path("latencyMs").path("p50").asDouble());

        JsonNode web = service(stats, "web");
        assertThat(web.path("requests").asLong()).as("web answered nothing itself").isZero();
        assertThat(web.path("rps").asDouble()).isZero();
        assertThat(web.path("successRate").isNull()).isTrue();

        assertThat(stats.path("edges")).singleElement().satisfies(e -> {
            assertThat(e.path("source").asText()).isEqualTo("web");
            assertThat(e.path("destination").asText()).isEqualTo("catalog");
            assertThat(e.path("requests").asLong()).isEqualTo(30);
            assertThat(e.path("successRate").asDouble()).isEqualTo(0.8);
            assertThat(e.path("latencyMs").path("p50").asDouble()).isBetween(50.0, medianBucketTop);
        });
        assertThat(stats.path("routes")).singleElement().satisfies(r -> {
            assertThat(r.path("service").asText()).isEqualTo("catalog");
            assertThat(r.path("route").asText()).isEqualTo("default");
            assertThat(r.path("requests").asLong()).isEqualTo(30);
        });
        assertThat(stats("&service=web").path("services")).extracting(s -> s.path("name").asText()).containsExactly("web");
    }

    @Test
    void proxiesShowSyncScrapeAndAdminAddress() throws Exception {
        JsonNode proxies = ControlPlaneApi.JSON.readTree(mesh.apiGet("/api/v1/proxies"));
        assertThat(proxies).hasSize(2);
        for (JsonNode p : proxies) {
            Sidecar s = p.path("service").asText().equals("catalog") ? mesh.catalog : mesh.web;
            assertThat(p.path("adminAddress").asText()).isEqualTo("127.0.0.1:" + s.proxy().adminPort());
            assertThat(p.path("inSync").asBoolean()).isTrue();
            assertThat(p.path("scrapeError").isNull()).isTrue();
            assertThat(p.path("userAgent").asText()).startsWith("trellis-proxy ");
            assertThat(p.path("versions").path("clusters").path("acked").isTextual()).isTrue();
            assertThat(p.path("versions").path("clusters").path("nacked").isNull()).isTrue();
            assertThat(p.path("certificate").isNull()).as("plaintext mesh").isTrue();
        }
        JsonNode catalog = proxies.get(0).path("service").asText().equals("catalog") ? proxies.get(0) : proxies.get(1);
        assertThat(catalog.path("node").asText()).isEqualTo("catalog.default~127.0.0.1:" + mesh.catalog.proxy().inboundPort());
        assertThat(catalog.path("instance").asText()).isEqualTo("catalog.default@127.0.0.1:" + mesh.catalog.proxy().inboundPort());
    }

    @Test
    void statPrintsATableAndWithAServiceItsRoutesAndPeers() {
        MeshFixture.Run all = MeshFixture.cli("stat", "--window", "5m", "--control-plane-api", mesh.api());
        assertThat(all.code()).as(all.err()).isZero();
        // columns are as wide as their widest value, and the rate depends on when the window starts
        assertThat(all.out().lines().findFirst().orElseThrow().split("\\s+"))
                .containsExactly("NAME", "MESHED", "SUCCESS", "RPS", "LATENCY_P50", "LATENCY_P95", "LATENCY_P99", "TOTAL");
        assertThat(all.out()).containsPattern("(?m)^catalog\\s+1\\s+80\\.00%\\s+\\d+\\.\\drps\\s+\\d+ms\\s+\\d+ms\\s+\\d+ms\\s+30$");
        assertThat(all.out()).containsPattern("(?m)^web\\s+1\\s+-\\s+0\\.0rps\\s+-\\s+-\\s+-\\s+0$");

        MeshFixture.Run one = MeshFixture.cli("stat", "catalog", "--window", "5m", "--control-plane-api", mesh.api());
        assertThat(one.code()).as(one.err()).isZero();
        assertThat(one.out()).contains("ROUTES (callers' view of catalog)").containsPattern("(?m)^default\\s+80\\.00%.*30$");
        assertThat(one.out()).contains("INBOUND (callers of catalog)").containsPattern("(?m)^web\\s+80\\.00%.*30$");
        assertThat(one.out()).contains("OUTBOUND (callees of catalog)\n(none in the last 5m)");

        MeshFixture.Run json = MeshFixture.cli("stat", "-o", "json", "--control-plane-api", mesh.api());
        assertThat(json.out()).contains("\"services\"").contains("\"edges\"");

        MeshFixture.Run unknown = MeshFixture.cli("stat", "nobody", "--control-plane-api", mesh.api());
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.err()).contains("service nobody: no proxy and no traffic");
    }

    @Test
    void proxyConfigShowsListenersRoutesClustersAndEndpoints() throws Exception {
        MeshFixture.Run r = MeshFixture.cli("proxy-config", "web", "--control-plane-api", mesh.api());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("proxy    web.default~").contains("LISTENER").contains("CLUSTER");
        assertThat(r.out()).containsPattern("(?m)^outbound\\s+OUTBOUND\\s+HTTP");
        assertThat(r.out()).containsPattern("(?m)^outbound\\s+catalog\\.default\\s+catalog,.*\\s+default\\s+catalog\\.default\\(1\\)$");
        assertThat(r.out()).containsPattern("(?m)^catalog\\.default\\s+127\\.0\\.0\\.1:" + mesh.catalog.proxy().inboundPort() + "\\s+1\\s+true");

        String node = "catalog.default~127.0.0.1:" + mesh.catalog.proxy().inboundPort();
        MeshFixture.Run json = MeshFixture.cli("proxy-config", node, "-o", "json", "--control-plane-api", mesh.api());
        assertThat(json.code()).as(json.err()).isZero();
        JsonNode dump = ControlPlaneApi.JSON.readTree(json.out());
        assertThat(dump.path("listeners").has("inbound")).isTrue();
        assertThat(dump.path("node").path("service").asText()).isEqualTo("catalog");

        assertThat(MeshFixture.cli("proxy-config", "nobody", "--control-plane-api", mesh.api()).code()).isEqualTo(1);
    }

    @Test
    void checkPassesOnAHealthyMesh() {
        MeshFixture.Run r = MeshFixture.cli("check", "--control-plane-api", mesh.api());
        assertThat(r.out()).contains("[ok] control plane API is reachable at " + mesh.api())
                .contains("[ok] configuration is valid")
                .contains("[ok] proxies are connected (2 connected)")
                .contains("[ok] proxies are in sync with the control plane")
                .contains("[ok] proxy metrics are scraped")
                .contains("[ok] proxy versions match the control plane")
                .contains("Status check results are [ok]");
        assertThat(r.code()).as(r.out()).isZero();
    }
}
