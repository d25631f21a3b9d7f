package dev.trellis.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard against {@code trellis demo}: once traffic flows and the canary has finished, headless Chromium
 * loads the URL the demo prints; the page has no error banner, a node per demo service, an edge per call the
 * traffic makes, the split the route says, a row per proxy, and the numbers {@code GET /api/v1/stats} gives
 * around the same time. A screenshot is kept in the module's failsafe-reports folder.
 */
class DashboardIT {
    private static final List<String> SERVICES = List.of("client", "web", "catalog", "catalog-v1", "catalog-v2", "recommend");
    private static final List<String[]> CALLS = List.of(
            new String[] {"client", "web"}, new String[] {"web", "catalog"}, new String[] {"web", "recommend"});
    private static final Pattern DASHBOARD = Pattern.compile("^\\s+dashboard\\s+(http://127\\.0\\.0\\.1:(\\d+)/dashboard/)$");
    private static final String CANARY_DONE = "trellis demo: canary step 5/5";
    private static final Duration VIRTUAL_TIME = Duration.ofSeconds(15);
    /** Requests per second: 15% of the rate (at least 0.5), as the window's rate moves a little between reads. */
    private static final DoubleUnaryOperator RATE = hi -> Math.max(0.5, 0.15 * hi);
    /** Success rates: one percentage point. */
    private static final DoubleUnaryOperator SHARE = hi -> 0.01;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path workDir;

    @Test
    void dashboardShowsTheDemoMeshAsTheApiSeesIt() throws Exception {
        HeadlessChromium chromium = HeadlessChromium.find(Files.createDirectories(workDir.resolve("browser")));
        String jar = SidecarProcess.jar();
        Process demo = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dtrellis.jar=" + jar, "-jar", jar,
                "demo", "--rps", "20", "--interval", "30s", "--canary-step", "2s", "--work-dir", workDir.resolve("demo").toString())
                .redirectErrorStream(true)
                .start();
        List<String> output = new CopyOnWriteArrayList<>();
        OutputLines.collect(demo, output);
        try {
            await("the dashboard URL in the demo's banner").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                    .failFast("the demo exited early:\n" + String.join("\n", output), () -> !demo.isAlive())
                    .until(() -> dashboardUrl(output).isPresent());
            String page = dashboardUrl(output).orElseThrow();
            URI api = new URI(page).resolve("/api/v1/");
            await("traffic on every call and the canary's last step").atMost(Duration.ofSeconds(45))
                    .pollInterval(Duration.ofMillis(500))
                    .failFast("the demo exited early:\n" + String.join("\n", output), () -> !demo.isAlive())
                    .until(() -> output.stream().anyMatch(l -> l.startsWith(CANARY_DONE)) && everyCallHasTraffic(get(api, "stats?window=30s")));

            JsonNode before = get(api, "stats?window=30s");
            DomDump dom = DomDump.parse(chromium.dumpDom(page, VIRTUAL_TIME));
            JsonNode after = get(api, "stats?window=30s");
            JsonNode proxies = get(api, "proxies");
            JsonNode status = get(api, "status");

            assertPageIsHealthy(dom, status);
            assertGraph(dom, before, after);
            assertServicesTable(dom, before, after);
            assertRoutesAndProxies(dom, proxies);

            Path screenshot = reportsDir().resolve("dashboard.png");
            chromium.screenshot(page, screenshot, 1400, 1000, VIRTUAL_TIME);
            assertThat(Files.size(screenshot)).as("screenshot %s", screenshot).isGreaterThan(10_000);
            try (var in = Files.newInputStream(screenshot)) {
                assertThat(in.readNBytes(8)).as("PNG signature").containsExactly(0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n');
            }
        } finally {
            stop(demo);
        }
    }

    private static void assertPageIsHealthy(DomDump dom, JsonNode status) {
        DomDump.Element banner = dom.get("error-banner");
        assertThat(banner.has("hidden")).as("error banner hidden; it says: %s", banner.text()).isTrue();
        assertThat(dom.body().attr("data-state")).isEqualTo("ok");
        assertThat(Integer.parseInt(dom.body().attr("data-refreshes"))).as("polls in %ss", VIRTUAL_TIME.toSeconds())
                .isGreaterThanOrEqualTo(3);
        assertThat(dom.get("config-generation").text()).isEqualTo(status.path("config").path("generation").asText());
        assertThat(dom.get("config-valid").attr("data-valid")).isEqualTo("true");
        assertThat(dom.get("last-refresh").attr("data-time")).isNotBlank();
        assertThat(dom.get("chart-web-rps").number("data-points")).as("web's rps history").isGreaterThanOrEqualTo(3);
    }

    private static void assertGraph(DomDump dom, JsonNode before, JsonNode after) {
        List<String> nodes = dom.all("node-").stream().map(e -> e.attr("data-service")).toList();
        assertThat(nodes).containsAll(SERVICES).containsAll(names(after.path("services"), "name"));
        for (JsonNode svc : after.path("services")) {
            String name = svc.path("name").asText();
            DomDump.Element node = dom.get("node-" + name);
            assertClose("node " + name + " rps", node.number("data-rps"), before, after, s -> service(s, name), "rps", RATE);
            if (!node.attr("data-success").isEmpty()) {
                assertClose("node " + name + " success", node.number("data-success"), before, after, s -> service(s, name),
                        "successRate", SHARE);
            }
        }
        for (String[] call : CALLS) {
            DomDump.Element edge = dom.get("edge-" + call[0] + "-" + call[1]);
            String what = "edge " + call[0] + " -> " + call[1];
            assertThat(edge.attr("data-live")).as(what + " live").isEqualTo("true");
            assertClose(what + " rps", edge.number("data-rps"), before, after, s -> edge(s, call[0], call[1]), "rps", RATE);
            assertClose(what + " success", edge.number("data-success"), before, after, s -> edge(s, call[0], call[1]),
                    "successRate", SHARE);
            assertThat(edge.number("data-success")).as(what + " success").isGreaterThanOrEqualTo(0.99);
        }
        // the canary has finished: everything to v2
        assertThat(dom.get("split-catalog-catalog-v2").number("data-percent")).isEqualTo(100.0);
        assertThat(dom.get("split-catalog-catalog-v1").number("data-percent")).isEqualTo(0.0);
    }

    private static void assertServicesTable(DomDump dom, JsonNode before, JsonNode after) {
        for (JsonNode svc : after.path("services")) {
            String name = svc.path("name").asText();
            DomDump.Element row = dom.get("service-row-" + name);
            assertClose("service " + name + " rps", row.number("data-rps"), before, after, s -> service(s, name), "rps", RATE);
            assertThat(row.attr("data-meshed")).isEqualTo(svc.path("meshed").asText());
        }
    }

    private static void assertRoutesAndProxies(DomDump dom, JsonNode proxies) {
        DomDump.Element route = dom.get("route-row-catalog-catalog-split/0");
        assertThat(route.attr("data-backends")).isEqualTo("catalog-v1=0,catalog-v2=100");
        assertThat(route.number("data-requests")).isPositive();

        assertThat(dom.all("proxy-row-")).hasSize(proxies.size());
        for (JsonNode p : proxies) {
            DomDump.Element row = dom.get("proxy-row-" + p.path("node").asText());
            assertThat(row.attr("data-service")).isEqualTo(p.path("service").asText());
            assertThat(row.attr("data-connected")).isEqualTo("true");
        }
        assertThat(names(proxies, "service")).containsAll(List.of("client", "web", "catalog-v1", "catalog-v2", "recommend"));
    }

    /**
     * The page's value lies between what the API said just before and just after the browser ran, give or take
     * {@code slack} of the larger one.
     */
    private static void assertClose(String what, double shown, JsonNode before, JsonNode after,
            Function<JsonNode, Optional<JsonNode>> pick, String field, DoubleUnaryOperator slackOf) {
        double a = pick.apply(before).map(n -> n.path(field).asDouble(0)).orElse(0.0);
        double b = pick.apply(after).map(n -> n.path(field).asDouble(0)).orElse(0.0);
        double lo = Math.min(a, b);
        double hi = Math.max(a, b);
        double slack = slackOf.applyAsDouble(hi);
        assertThat(shown).as("%s: the page shows %s, the API said %s before and %s after", what, shown, a, b)
                .isBetween(lo - slack, hi + slack);
    }

    private static boolean everyCallHasTraffic(JsonNode stats) {
        return CALLS.stream().allMatch(c -> edge(stats, c[0], c[1]).map(e -> e.path("requests").asLong() > 0).orElse(false));
    }

    private static Optional<JsonNode> service(JsonNode stats, String name) {
        return stream(stats.path("services")).filter(s -> s.path("name").asText().equals(name)).findFirst();
    }

    private static Optional<JsonNode> edge(JsonNode stats, String source, String destination) {
        return stream(stats.path("edges"))
                .filter(e -> e.path("source").asText().equals(source) && e.path("destination").asText().equals(destination))
                .findFirst();
    }

    private static List<String> names(JsonNode array, String field) {
        return stream(array).map(n -> n.path(field).asText()).toList();
    }

    private static Stream<JsonNode> stream(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false);
    }

    private static JsonNode get(URI api, String path) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(api.resolve(path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET %s: %s", api.resolve(path), r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static Optional<String> dashboardUrl(List<String> output) {
        return output.stream().map(DASHBOARD::matcher).filter(Matcher::matches).map(m -> m.group(1)).findFirst();
    }

    /** The module's build folder (whatever -Dtrellis.target names it): where failsafe writes its reports. */
    private static Path reportsDir() throws URISyntaxException {
        Path testClasses = Path.of(DashboardIT.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return testClasses.getParent().resolve("failsafe-reports");
    }

    /** SIGTERM: the demo stops its load and every process it started; then whatever is left is killed. */
    private static void stop(Process demo) throws InterruptedException {
        List<ProcessHandle> children = new ArrayList<>(demo.descendants().toList());
        demo.destroy();
        if (!demo.waitFor(30, TimeUnit.SECONDS)) {
            demo.destroyForcibly();
        }
        children.forEach(ProcessHandle::destroyForcibly);
    }
}
