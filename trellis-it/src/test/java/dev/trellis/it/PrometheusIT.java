package dev.trellis.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.trellis.controlplane.telemetry.MetricSample;
import dev.trellis.controlplane.telemetry.PrometheusText;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus (Debian's, 2.42) scrapes a running mesh with the shipped scrape configuration
 * (deploy/prometheus/prometheus.yml): it finds the sidecars through the control plane's HTTP service
 * discovery, and the success rate it computes from their metrics is the known mix of the traffic sent.
 */
class PrometheusIT {
    static final String MESH = """
            apiVersion: trellis.dev/v1alpha1
            kind: Service
            metadata: {name: catalog}
            spec:
              port: 8080
              selector: {app: catalog}
            """;
    /** One round of traffic: three successes and one failure. */
    static final List<String> ROUND = List.of("/fail", "/ok", "/ok", "/ok");
    static final double SUCCESS_RATE = 0.75;

    @TempDir
    Path dir;
    int xdsPort;
    int apiPort;
    int prometheusPort;
    TrellisProcess cp;
    HttpServer app;
    Process prometheus;
    Path prometheusLog;
    int webOutbound;
    final Map<String, Integer> admins = new HashMap<>();
    final List<AutoCloseable> closing = new ArrayList<>();
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    final ObjectMapper json = new ObjectMapper();

    @BeforeEach
    void mesh() throws Exception {
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Files.writeString(conf.resolve("mesh.yaml"), MESH);
        xdsPort = SidecarProcess.freePort();
        apiPort = SidecarProcess.freePort();
        cp = TrellisProcess.controlPlane(conf, xdsPort, apiPort, dir.resolve("control-plane.log"));
        app = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
        app.setExecutor(Executors.newFixedThreadPool(4));
        app.createContext("/", ex -> {
            byte[] body = ex.getRequestURI().getPath().getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(ex.getRequestURI().getPath().equals("/fail") ? 500 : 200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        app.start();
        int catalogAdmin = sidecar("catalog", app.getAddress().getPort(), "--label", "version=v1");
        int webAdmin = sidecar("web", 0);
        for (int admin : List.of(catalogAdmin, webAdmin)) {
            cp.awaitOk("http://127.0.0.1:" + admin + "/ready");
        }
        // catalog's sidecar registered: the client's sidecar reaches it
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> call("/ok") == 200);
    }

    /** A `trellis proxy --control-plane` process; returns its admin port. */
    private int sidecar(String service, int appPort, String... extra) throws Exception {
        int outbound = SidecarProcess.freePort();
        int admin = SidecarProcess.freePort();
        List<String> args = new ArrayList<>(List.of("proxy", "--control-plane", "127.0.0.1:" + xdsPort, "--service", service,
                "--app-port", Integer.toString(appPort), "--outbound-port", Integer.toString(outbound),
                "--inbound-port", Integer.toString(SidecarProcess.freePort()), "--admin-port", Integer.toString(admin),
                "--shutdown-delay", "0s"));
        args.addAll(List.of(extra));
        closing.add(0, TrellisProcess.start(dir.resolve(service + ".log"), TrellisProcess.SIDECAR_JVM, args));
        if (service.equals("web")) {
            webOutbound = outbound;
        }
        admins.put(service, admin);
        return admin;
    }

    @AfterEach
    void stop() throws Exception {
        if (prometheus != null) {
            prometheus.destroy();
            if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
                prometheus.destroyForcibly();
            }
        }
        for (AutoCloseable c : closing) {
            c.close();
        }
        if (app != null) {
            app.stop(0);
        }
        if (cp != null) {
            cp.close();
        }
    }

    private int call(String path) throws Exception {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + webOutbound + path)).header("Host", "catalog")
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        }
    }

    @Test
    void prometheusFindsTheSidecarsAndComputesTheSuccessRateOfTheTraffic() throws Exception {
        startPrometheus();
        Map<String, JsonNode> targets = new HashMap<>();
        Awaitility.await("both sidecars discovered and up").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    targets.clear();
                    for (JsonNode t : prometheus("/api/v1/targets?state=active").path("data").path("activeTargets")) {
                        if (t.path("health").asText().equals("up")) {
                            targets.put(t.path("labels").path("service").asText(), t);
                        }
                    }
                    return targets.keySet().containsAll(List.of("catalog", "web"));
                });
        JsonNode catalog = targets.get("catalog").path("labels");
        assertThat(catalog.path("job").asText()).isEqualTo("trellis-proxy");
        assertThat(catalog.path("namespace").asText()).isEqualTo("default");
        assertThat(catalog.path("app_version").asText()).as("the instance's version label, relabelled").isEqualTo("v1");
        assertThat(catalog.path("instance").asText()).as("the node id, relabelled").startsWith("catalog.default~127.0.0.1:");
        assertThat(catalog.has("node")).isFalse();
        JsonNode discovered = json.readTree(get("http://127.0.0.1:" + apiPort + "/api/v1/prometheus/targets"));
        JsonNode catalogGroup = null;
        for (JsonNode g : discovered) {
            if (g.path("labels").path("service").asText().equals("catalog")) {
                catalogGroup = g;
            }
        }
        assertThat(catalogGroup).as(discovered.toString()).isNotNull();
        assertThat(catalog.path("instance").asText()).isEqualTo(catalogGroup.path("labels").path("node").asText());
        assertThat(targets.get("catalog").path("scrapeUrl").asText())
                .isEqualTo("http://" + catalogGroup.path("targets").get(0).asText() + "/metrics")
                .isEqualTo("http://127.0.0.1:" + admins.get("catalog") + "/metrics");
        assertThat(targets.get("web").path("labels").has("app_version")).isFalse();

        // one round first, so both series (200 and 500) exist when the measured traffic starts
        send(1);
        awaitScraped();
        send(40);
        awaitScraped();

        for (String direction : List.of("outbound", "inbound")) {
            String q = ("sum(rate(response_total{classification=\"success\",direction=\"%s\",dst_service=\"catalog\"}[1m])) by (dst_service)"
                    + " / sum(rate(response_total{direction=\"%s\",dst_service=\"catalog\"}[1m])) by (dst_service)")
                    .formatted(direction, direction);
            JsonNode result = query(q);
            assertThat(result).as(q).hasSize(1);
            assertThat(result.get(0).path("metric").path("dst_service").asText()).isEqualTo("catalog");
            assertThat(value(result.get(0))).as(direction + " success rate").isCloseTo(SUCCESS_RATE, within(0.05));
        }
        // the target labels from service discovery are on every series of the target
        JsonNode failures = query("sum(response_total{direction=\"inbound\",service=\"catalog\",namespace=\"default\","
                + "classification=\"failure\"}) by (status_code)");
        assertThat(failures).hasSize(1);
        assertThat(failures.get(0).path("metric").path("status_code").asText()).isEqualTo("500");
        assertThat(value(failures.get(0))).isEqualTo(41);
        JsonNode p99 = query("histogram_quantile(0.99, sum(rate(response_latency_ms_bucket{direction=\"inbound\"}[1m])) by (le, dst_service))");
        assertThat(value(p99.get(0))).as("p99 latency in ms").isPositive().isLessThan(10_000);
        assertThat(query("xds_connected{service=\"web\"}").get(0).path("value").get(1).asText()).isEqualTo("1");
    }

    private void send(int rounds) throws Exception {
        for (int i = 0; i < rounds; i++) {
            for (String path : ROUND) {
                assertThat(call(path)).as(path).isEqualTo(path.equals("/fail") ? 500 : 200);
            }
        }
    }

    /** Waits until Prometheus holds what the client's and the server's sidecars count of the requests to catalog now. */
    private void awaitScraped() throws Exception {
        for (String side : List.of("web:outbound", "catalog:inbound")) {
            String service = side.substring(0, side.indexOf(':'));
            String direction = side.substring(side.indexOf(':') + 1);
            double counted = PrometheusText.parse(get("http://127.0.0.1:" + admins.get(service) + "/metrics")).stream()
                    .filter(x -> x.name().equals("response_total") && direction.equals(x.label("direction"))
                            && "catalog".equals(x.label("dst_service")))
                    .mapToDouble(MetricSample::value).sum();
            String q = "sum(response_total{service=\"" + service + "\",direction=\"" + direction + "\",dst_service=\"catalog\"})";
            Awaitility.await(q + " == " + counted).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250)).until(() -> {
                JsonNode r = query(q);
                return r.size() == 1 && value(r.get(0)) == counted;
            });
        }
    }

    private String get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private void startPrometheus() throws Exception {
        String binary = prometheusBinary();
        assertThat(binary).as("prometheus is not installed: neither on PATH nor /usr/bin/prometheus "
                + "(Debian package prometheus; .ci/run installs it)").isNotNull();
        prometheusPort = SidecarProcess.freePort();
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, testConfig(Files.readString(shippedConfig()), apiPort));
        prometheusLog = dir.resolve("prometheus.log");
        prometheus = new ProcessBuilder(binary, "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("tsdb"),
                "--web.listen-address=127.0.0.1:" + prometheusPort)
                .redirectErrorStream(true).redirectOutput(prometheusLog.toFile()).start();
        Awaitility.await("prometheus ready").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (!prometheus.isAlive()) {
                throw new IllegalStateException("prometheus exited with " + prometheus.exitValue() + ":\n" + Files.readString(prometheusLog));
            }
            return TrellisProcess.status("http://127.0.0.1:" + prometheusPort + "/-/ready") == 200;
        });
    }

    /** The shipped configuration with this test's control plane API and a 1 s scrape and discovery interval. */
    static String testConfig(String shipped, int apiPort) {
        String out = replace(shipped, "http://127.0.0.1:15080/", "http://127.0.0.1:" + apiPort + "/");
        out = replace(out, "scrape_interval: 5s", "scrape_interval: 1s");
        out = replace(out, "scrape_timeout: 4s", "scrape_timeout: 1s");
        return replace(out, "refresh_interval: 5s", "refresh_interval: 1s");
    }

    private static String replace(String text, String from, String to) {
        assertThat(text).as("deploy/prometheus/prometheus.yml").contains(from);
        return text.replace(from, to);
    }

    static Path shippedConfig() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path p = d.resolve("deploy/prometheus/prometheus.yml");
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new IllegalStateException("deploy/prometheus/prometheus.yml not found above " + Path.of("").toAbsolutePath());
    }

    static String prometheusBinary() {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(d, "prometheus");
            if (!d.isEmpty() && Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return Files.isExecutable(Path.of("/usr/bin/prometheus")) ? "/usr/bin/prometheus" : null;
    }

    private JsonNode query(String promql) throws Exception {
        JsonNode r = prometheus("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        assertThat(r.path("status").asText()).as(promql + ": " + r).isEqualTo("success");
        return r.path("data").path("result");
    }

    private static double value(JsonNode sample) {
        return Double.parseDouble(sample.path("value").get(1).asText());
    }

    private JsonNode prometheus(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + prometheusPort + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        return json.readTree(r.body());
    }
}
