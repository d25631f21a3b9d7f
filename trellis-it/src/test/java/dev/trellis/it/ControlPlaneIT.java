package dev.trellis.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * A mesh of real processes configured by a real control plane: a client sidecar ("web") calls "backend",
 * whose two instances (versions v1 and v2) each run behind their own sidecar, found through the
 * registrations those sidecars make over xDS. Routes change live; the control plane breaks and restarts
 * under load; no request is lost.
 */
class ControlPlaneIT {
    static final String MESH = """
            apiVersion: trellis.dev/v1alpha1
            kind: Service
            metadata: {name: backend}
            spec:
              port: 8080
              selector: {app: backend}
            ---
            apiVersion: trellis.dev/v1alpha1
            kind: Service
            metadata: {name: backend-v1}
            spec:
              port: 8080
              selector: {app: backend, version: v1}
            ---
            apiVersion: trellis.dev/v1alpha1
            kind: Service
            metadata: {name: backend-v2}
            spec:
              port: 8080
              selector: {app: backend, version: v2}
            """;

    static String route(int v1, int v2) {
        return """
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: backend-split}
                spec:
                  parentRefs: [{kind: Service, name: backend}]
                  rules:
                    - backendRefs: [{name: backend-v1, weight: %d}, {name: backend-v2, weight: %d}]
                """.formatted(v1, v2);
    }

    @TempDir
    Path dir;
    Path conf;
    Path logs;
    int xdsPort;
    int apiPort;
    TrellisProcess cp;
    final List<AutoCloseable> closing = new ArrayList<>();
    HttpBackend v1;
    HttpBackend v2;
    Sidecar web;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** A `trellis proxy --control-plane` process and its ports. */
    record Sidecar(TrellisProcess process, int outbound, int inbound, int admin) {
        String admin(String path) {
            return "http://127.0.0.1:" + admin + path;
        }
    }

    private Sidecar sidecar(String service, int appPort, String... extra) throws Exception {
        int outbound = SidecarProcess.freePort();
        int inbound = SidecarProcess.freePort();
        int admin = SidecarProcess.freePort();
        List<String> args = new ArrayList<>(List.of("proxy", "--control-plane", "127.0.0.1:" + xdsPort, "--service", service,
                "--app-port", Integer.toString(appPort), "--outbound-port", Integer.toString(outbound),
                "--inbound-port", Integer.toString(inbound), "--admin-port", Integer.toString(admin)));
        args.addAll(List.of(extra));
        if (!args.contains("--shutdown-delay")) {
            args.addAll(List.of("--shutdown-delay", "0s")); // fast teardown; the rolling restart test uses the default
        }
        TrellisProcess p = TrellisProcess.start(logs.resolve(service + "-" + admin + ".log"), TrellisProcess.SIDECAR_JVM, args);
        Sidecar s = new Sidecar(p, outbound, inbound, admin);
        closing.add(0, p);
        return s;
    }

    @BeforeEach
    void mesh(TestInfo test) throws Exception {
        // logs outlive the test, for a failure's post-mortem
        logs = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "trellis-it-logs",
                "ControlPlaneIT." + test.getTestMethod().orElseThrow().getName()));
        conf = Files.createDirectories(dir.resolve("conf"));
        Files.writeString(conf.resolve("mesh.yaml"), MESH);
        Files.writeString(conf.resolve("route.yaml"), route(100, 0));
        xdsPort = SidecarProcess.freePort();
        apiPort = SidecarProcess.freePort();
        cp = TrellisProcess.controlPlane(conf, xdsPort, apiPort, logs.resolve("control-plane.log"));
        v1 = HttpBackend.start("v1");
        v2 = HttpBackend.start("v2");
        closing.add(v1);
        closing.add(v2);
        Sidecar b1 = sidecar("backend", v1.port(), "--label", "version=v1");
        Sidecar b2 = sidecar("backend", v2.port(), "--label", "version=v2");
        web = sidecar("web", 0);
        for (Sidecar s : List.of(b1, b2, web)) {
            s.process().awaitOk(s.admin("/ready"));
        }
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> instances().size() == 2);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> "v1".equals(call()));
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
        cp.close();
    }

    /** One request from the client's side, through both sidecars; the body names the backend, null on failure. */
    private String call() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + web.outbound() + "/hello"))
                .header("Host", "backend").timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 ? r.body() : null;
    }

    private JsonNode api(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        return new ObjectMapper().readTree(r.body());
    }

    private List<JsonNode> instances() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        api("/api/v1/instances").path("items").forEach(out::add);
        return out;
    }

    private int apply(String yaml) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + "/api/v1/resources"))
                .POST(HttpRequest.BodyPublishers.ofString(yaml)).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    /** Waits until {@code n} calls in a row all reach {@code backend}. */
    private void awaitAllFrom(String backend, int n) {
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            List<String> seen = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                seen.add(call());
            }
            assertThat(seen).containsOnly(backend);
        });
    }

    @Test
    void aRequestFlowsThroughBothSidecarsAndEveryProxyAcksTheSameVersions() throws Exception {
        assertThat(call()).isEqualTo("v1");
        assertThat(v1.requests.get()).isPositive();

        // every proxy runs what it was sent (a proxy that reconnected up to date was sent nothing new)
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode status = api("/api/v1/status");
            assertThat(status.path("proxies")).hasSize(3);
            for (JsonNode p : status.path("proxies")) {
                for (String type : List.of("clusters", "endpoints", "listeners", "routes")) {
                    JsonNode v = p.path("versions").path(type);
                    assertThat(v.path("acked").asText("")).as(p.path("node") + " " + type).isNotEmpty();
                    if (v.hasNonNull("sent")) {
                        assertThat(v.path("acked").asText()).as(p.path("node") + " " + type).isEqualTo(v.path("sent").asText());
                    }
                }
            }
        });
        JsonNode status = api("/api/v1/status");
        JsonNode dump = new ObjectMapper().readTree(http.send(HttpRequest.newBuilder(URI.create(web.admin("/config_dump"))).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        assertThat(dump.path("node").path("configSource").asText()).isEqualTo("xds:127.0.0.1:" + xdsPort);
        String webNode = status.path("proxies").findValuesAsText("node").stream().filter(n -> n.startsWith("web.")).findFirst().orElseThrow();
        JsonNode webVersions = null;
        for (JsonNode p : status.path("proxies")) {
            if (p.path("node").asText().equals(webNode)) {
                webVersions = p.path("versions");
            }
        }
        assertThat(dump.path("versions").path("routes").asText()).isEqualTo(webVersions.path("routes").path("acked").asText());
        assertThat(instances()).extracting(i -> i.path("labels").path("version").asText()).containsExactlyInAnyOrder("v1", "v2");
    }

    @Test
    void aWeightedSplitGoesLive() throws Exception {
        assertThat(apply(route(50, 50))).isEqualTo(200);
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            List<String> seen = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                seen.add(call());
            }
            assertThat(seen).contains("v1", "v2").doesNotContainNull();
        });
        assertThat(apply(route(0, 100))).isEqualTo(200);
        awaitAllFrom("v2", 30);
        assertThat(Files.readString(conf.resolve("route.yaml"))).as("persisted where it was written").contains("weight: 100");
    }

    @Test
    void aMirrorGoesLiveAndCopiesEveryRequestThroughTheSidecars() throws Exception {
        assertThat(apply(route(100, 0) + """
                      filters: [{type: RequestMirror, requestMirror: {backendRef: {name: backend-v2}}}]
                """)).isEqualTo(200);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> "v1".equals(call()) && v2.requests.get() > 0);
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String path = "/copy-" + i;
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + web.outbound() + path))
                    .header("Host", "backend").timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.body()).isEqualTo("v1");
            sent.add(path);
        }
        assertThat(v1.seen).containsAll(sent.stream().map(p -> "backend" + p).toList());
        // the copies crossed both sidecars (HTTP/2 between them) with the shadow host
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(v2.seen).containsAll(sent.stream().map(p -> "backend-shadow" + p).toList()));
    }

    @Test
    void anInvalidConfigurationChangeLosesNoRequest() throws Exception {
        LoadLoop load = new LoadLoop(web.outbound(), "backend", 4);
        try (load) {
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> load.ok.get() > 100);
            // a broken edit of the route in force: rejected, the last good configuration keeps serving
            Files.writeString(conf.resolve("route.yaml"), route(0, 100).replace("backend-v2", "backend-v9"));
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !api("/api/v1/status").path("config").path("valid").asBoolean());
            JsonNode error = api("/api/v1/status").path("config").path("errors").get(0);
            assertThat(error.path("file").asText()).endsWith("route.yaml");
            assertThat(error.path("line").asInt()).isEqualTo(7);
            assertThat(error.path("reason").asText()).contains("backend-v9");
            int before = load.ok.get();
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> load.ok.get() > before + 200);
            assertThat(load.bodies.keySet()).containsOnly("v1");

            Files.writeString(conf.resolve("route.yaml"), route(0, 100));
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> load.bodies.containsKey("v2"));
        }
        assertThat(v2.requests.get()).isPositive();
        assertThat(List.copyOf(load.failures)).isEmpty();
    }

    @Test
    void aControlPlaneRestartUnderLoadLosesNoRequest() throws Exception {
        LoadLoop load = new LoadLoop(web.outbound(), "backend", 4);
        try (load) {
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> load.ok.get() > 100);
            cp.stop();
            int whileDown = load.ok.get();
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> load.ok.get() > whileDown + 500);

            cp = TrellisProcess.controlPlane(conf, xdsPort, apiPort, logs.resolve("control-plane.log"));
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> api("/api/v1/status").path("proxies").size() == 3);
            assertThat(instances()).hasSize(2).allMatch(i -> i.path("connected").asBoolean());
            int afterRestart = load.ok.get();
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> load.ok.get() > afterRestart + 200);
        }
        assertThat(List.copyOf(load.failures)).isEmpty();
        // and the reconnected proxies follow changes again
        assertThat(apply(route(0, 100))).isEqualTo(200);
        awaitAllFrom("v2", 20);
    }

    @Test
    void aProxyStartedWhileTheControlPlaneIsDownBecomesReadyOnceItIsUp() throws Exception {
        cp.stop();
        Sidecar late = sidecar("late", 0);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> TrellisProcess.status(late.admin("/ready")) == 503);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> late.process().log().contains("unavailable"));
        assertThat(TrellisProcess.status(late.admin("/ready"))).isEqualTo(503);

        cp = TrellisProcess.controlPlane(conf, xdsPort, apiPort, logs.resolve("control-plane.log"));
        late.process().awaitOk(late.admin("/ready"));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + late.outbound() + "/"))
                .header("Host", "backend").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("v1");
    }

    @Test
    void instancesJoiningAndLeavingUnderLoadLoseNoRequest() throws Exception {
        LoadLoop load = new LoadLoop(web.outbound(), "backend", 4);
        try (load) {
            awaitMore(load, 100);
            // a rolling restart: each new instance of backend v1 joins before the one it replaces leaves
            Sidecar first = sidecar("backend", v1.port(), "--label", "version=v1", "--shutdown-delay", "1s");
            first.process().awaitOk(first.admin("/ready"));
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> instances().size() == 3);
            awaitMore(load, 200);
            Sidecar second = sidecar("backend", v1.port(), "--label", "version=v1", "--shutdown-delay", "1s");
            second.process().awaitOk(second.admin("/ready"));
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> instances().size() == 4);
            awaitMore(load, 200);
            assertThat(first.process().stop()).as("SIGTERM").isIn(0, 143);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> instances().size() == 3);
            awaitMore(load, 200);
            assertThat(second.process().stop()).as("SIGTERM").isIn(0, 143);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> instances().size() == 2);
            awaitMore(load, 200);
        }
        assertThat(List.copyOf(load.failures)).isEmpty();
    }

    private static void awaitMore(LoadLoop load, int more) {
        int before = load.ok.get();
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> load.ok.get() > before + more);
    }

    @Test
    void aSidecarThatStopsDeregistersAtOnce() throws Exception {
        Sidecar extra = sidecar("backend", v2.port(), "--label", "version=v3");
        extra.process().awaitOk(extra.admin("/ready"));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> instances().size() == 3);
        extra.process().stop();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> instances().size() == 2);
    }

    /**
     * `trellis check` on this mesh as a newcomer runs it: a sidecar that found the control plane's API holds a
     * day-long certificate from its CA, which the default --warn-before of a week must not flag (sidecars renew their
     * own), while a --warn-before longer than the CA's roots live still warns about them (exit code 1).
     */
    @Test
    void checkPassesOnAHealthyMeshWithCaIssuedCertificates() throws Exception {
        Sidecar secured = sidecar("backend", v2.port(), "--label", "version=v3", "--control-plane-api", "127.0.0.1:" + apiPort);
        secured.process().awaitOk(secured.admin("/ready"));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
            JsonNode proxies = api("/api/v1/proxies");
            int scraped = 0;
            int certified = 0;
            for (JsonNode p : proxies) {
                scraped += p.hasNonNull("lastScrape") && p.path("inSync").asBoolean() ? 1 : 0;
                certified += p.path("certificate").hasNonNull("notAfter") ? 1 : 0;
            }
            return scraped == 4 && certified == 1;
        });
        TrellisProcess check = TrellisProcess.start(logs.resolve("check.log"), List.of("-Xmx64m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1"), List.of("check", "--control-plane-api", "127.0.0.1:" + apiPort));
        assertThat(check.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = check.log();
        assertThat(check.process.exitValue()).as(out).isZero();
        assertThat(out).contains("proxy certificates are valid for more than 6h, a quarter of their 1d lifetime (1 proxy)")
                .contains("CA roots are valid for more than 7d (1 root)")
                .contains("Status check results are");

        TrellisProcess strict = TrellisProcess.start(logs.resolve("check-strict.log"), List.of("-Xmx64m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1"), List.of("check", "--control-plane-api", "127.0.0.1:" + apiPort, "--warn-before", "876000h"));
        assertThat(strict.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(strict.process.exitValue()).as(strict.log()).isEqualTo(1);
        assertThat(strict.log()).contains("CA roots are valid for more than 36500d").contains(" expires ");
    }
}
