package dev.trellis.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tracing end to end, with a real Zipkin server and nothing but the OpenTelemetry environment variables
 * (OTEL_TRACES_EXPORTER=zipkin): a client-only sidecar "a" calls web through the mesh; web (the demo app under
 * {@code trellis run}, which forwards trace headers) calls catalog over HTTP and recommend over gRPC, each the demo
 * app under {@code trellis run}. One request with a known, sampled traceparent becomes one trace whose spans chain
 * client(a→web) → server(web) → client(web→catalog) → server(catalog) (and the same to recommend), each the child of
 * the one before; requests whose caller said "not sampled" leave no trace at all.
 */
class TracingIT {
    static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    static final String CALLER_SPAN = "00f067aa0ba902b7";
    static final List<String> APP_JVM = List.of("-Xms16m", "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss256k");

    @TempDir
    Path dir;
    final List<Process> processes = new ArrayList<>();
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
    final ObjectMapper json = new ObjectMapper();

    @AfterEach
    void stop() throws InterruptedException {
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
        }
        for (Process p : processes) {
            if (!p.waitFor(15, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
    }

    private Process start(String name, List<String> command, Map<String, String> env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    private String log(String name) {
        try {
            return Files.readString(dir.resolve(name + ".log"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    private void awaitOk(String name, Process p, String url) {
        Awaitility.await(name).atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (!p.isAlive()) {
                throw new IllegalStateException(name + " exited with " + p.exitValue() + ":\n" + log(name));
            }
            return TrellisProcess.status(url) == 200;
        });
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** `trellis run --config mesh.yaml` with a demo app: the sidecar in the run process, the app its child. */
    private Process run(String service, String app, int appPort, int inbound, int admin, Path mesh, Map<String, String> env)
            throws IOException {
        List<String> cmd = new ArrayList<>(List.of(java()));
        cmd.addAll(TrellisProcess.SIDECAR_JVM);
        cmd.addAll(List.of("-jar", SidecarProcess.jar(), "run", "--config", mesh.toString(), "--service", service,
                "--app-port", Integer.toString(appPort), "--outbound-port", Integer.toString(SidecarProcess.freePort()),
                "--inbound-port", Integer.toString(inbound), "--admin-port", Integer.toString(admin), "--", java()));
        cmd.addAll(APP_JVM);
        cmd.addAll(List.of("-jar", SidecarProcess.jar(), "demo-app", "--app", app, "--port", Integer.toString(appPort)));
        return start(service, cmd, env);
    }

    @Test
    void oneRequestIsOneTraceAcrossThreeServicesInZipkin() throws Exception {
        String zipkinJar = System.getProperty("zipkin.jar");
        assertThat(zipkinJar).as("system property zipkin.jar").isNotBlank();
        assertThat(Path.of(zipkinJar)).exists();
        int zipkinPort = SidecarProcess.freePort();
        Process zipkin = start("zipkin", List.of(java(), "-Xmx256m", "-XX:+UseSerialGC", "-jar", zipkinJar),
                Map.of("QUERY_PORT", Integer.toString(zipkinPort)));

        int webIn = SidecarProcess.freePort();
        int catalogIn = SidecarProcess.freePort();
        int recommendIn = SidecarProcess.freePort();
        Path mesh = dir.resolve("mesh.yaml");
        Files.writeString(mesh, """
                apiVersion: trellis.dev/v1alpha1
                kind: Service
                metadata: {name: web}
                spec: {port: 8080, endpoints: [{address: "127.0.0.1:%d", meshed: true}]}
                ---
                apiVersion: trellis.dev/v1alpha1
                kind: Service
                metadata: {name: catalog}
                spec: {port: 8080, endpoints: [{address: "127.0.0.1:%d", meshed: true}]}
                ---
                apiVersion: trellis.dev/v1alpha1
                kind: Service
                metadata: {name: recommend}
                spec: {protocol: grpc, port: 8080, endpoints: [{address: "127.0.0.1:%d", meshed: true}]}
                ---
                apiVersion: trellis.dev/v1alpha1
                kind: PeerAuthentication
                metadata: {name: default, namespace: trellis-system}
                spec: {mtls: {mode: DISABLE}}
                """.formatted(webIn, catalogIn, recommendIn));
        // the environment alone turns tracing on; every sidecar reports to the one Zipkin
        Map<String, String> otel = Map.of("OTEL_TRACES_EXPORTER", "zipkin",
                "OTEL_EXPORTER_ZIPKIN_ENDPOINT", "http://127.0.0.1:" + zipkinPort + "/api/v2/spans");

        int aOutbound = SidecarProcess.freePort();
        int aAdmin = SidecarProcess.freePort();
        List<String> a = new ArrayList<>(List.of(java()));
        a.addAll(SidecarProcess.SIDECAR_JVM);
        a.addAll(List.of("-jar", SidecarProcess.jar(), "proxy", "--config", mesh.toString(), "--service", "a",
                "--outbound-port", Integer.toString(aOutbound), "--inbound-port", Integer.toString(SidecarProcess.freePort()),
                "--admin-port", Integer.toString(aAdmin)));
        Process aProxy = start("a", a, otel);
        int webAdmin = SidecarProcess.freePort();
        int catalogAdmin = SidecarProcess.freePort();
        int recommendAdmin = SidecarProcess.freePort();
        Process web = run("web", "web", SidecarProcess.freePort(), webIn, webAdmin, mesh, otel);
        Process catalog = run("catalog", "catalog", SidecarProcess.freePort(), catalogIn, catalogAdmin, mesh, otel);
        Process recommend = run("recommend", "recommend", SidecarProcess.freePort(), recommendIn, recommendAdmin, mesh, otel);

        awaitOk("zipkin", zipkin, "http://127.0.0.1:" + zipkinPort + "/health");
        awaitOk("a", aProxy, "http://127.0.0.1:" + aAdmin + "/ready");
        awaitOk("web", web, "http://127.0.0.1:" + webAdmin + "/ready");
        awaitOk("catalog", catalog, "http://127.0.0.1:" + catalogAdmin + "/ready");
        awaitOk("recommend", recommend, "http://127.0.0.1:" + recommendAdmin + "/ready");

        // until every app answers: requests whose caller did not sample them, which must leave nothing in Zipkin
        List<String> unsampled = new ArrayList<>();
        Awaitility.await("the apps").atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofMillis(200)).until(() -> {
            String trace = String.format("%032x", unsampled.size() + 1);
            unsampled.add(trace);
            Optional<HttpResponse<String>> r = get(aOutbound, "00-" + trace + "-" + CALLER_SPAN + "-00");
            return r.isPresent() && r.get().statusCode() == 200;
        });

        HttpResponse<String> response = get(aOutbound, "00-" + TRACE + "-" + CALLER_SPAN + "-01").orElseThrow();
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);

        // six spans: a's client, web's server, web's two clients, catalog's and recommend's servers
        List<JsonNode> spans = new ArrayList<>();
        Awaitility.await("the trace in Zipkin").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250)).until(() -> {
            spans.clear();
            HttpResponse<String> r = zipkin(zipkinPort, "/api/v2/trace/" + TRACE);
            if (r.statusCode() == 200) {
                json.readTree(r.body()).forEach(spans::add);
            }
            return spans.size() >= 6;
        });
        assertThat(spans).hasSize(6);
        JsonNode clientA = span(spans, "a", "CLIENT", "web");
        JsonNode serverWeb = span(spans, "web", "SERVER", null);
        JsonNode clientCatalog = span(spans, "web", "CLIENT", "catalog");
        JsonNode serverCatalog = span(spans, "catalog", "SERVER", null);
        JsonNode clientRecommend = span(spans, "web", "CLIENT", "recommend");
        JsonNode serverRecommend = span(spans, "recommend", "SERVER", null);

        assertThat(clientA.path("parentId").asText()).as("the caller's span").isEqualTo(CALLER_SPAN);
        assertThat(serverWeb.path("parentId").asText()).isEqualTo(clientA.path("id").asText());
        assertThat(clientCatalog.path("parentId").asText()).as("through the app's forwarded headers").isEqualTo(serverWeb.path("id").asText());
        assertThat(serverCatalog.path("parentId").asText()).isEqualTo(clientCatalog.path("id").asText());
        assertThat(clientRecommend.path("parentId").asText()).isEqualTo(serverWeb.path("id").asText());
        assertThat(serverRecommend.path("parentId").asText()).isEqualTo(clientRecommend.path("id").asText());

        assertThat(clientCatalog.path("name").asText()).isEqualTo("get /items");
        assertThat(clientCatalog.path("tags").path("http.response.status_code").asText()).isEqualTo("200");
        assertThat(serverRecommend.path("tags").path("rpc.grpc.status_code").asText()).isEqualTo("0");
        assertThat(serverRecommend.path("tags").path("http.request.method").asText()).isEqualTo("POST");
        for (JsonNode s : spans) {
            assertThat(s.has("tags") && s.path("tags").has("error")).as(s.toString()).isFalse();
        }

        // the unsampled requests crossed the same sidecars and reported nothing
        for (String trace : unsampled) {
            assertThat(zipkin(zipkinPort, "/api/v2/trace/" + trace).statusCode()).as(trace).isEqualTo(404);
        }
    }

    /** GET / on web through a's outbound listener, with a traceparent; empty when the call failed outright. */
    private Optional<HttpResponse<String>> get(int outbound, String traceparent) throws InterruptedException {
        try {
            return Optional.of(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + outbound + "/?user=ada"))
                    .header("Host", "web").header("traceparent", traceparent).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private HttpResponse<String> zipkin(int port, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The one span of {@code service} of this kind (and, for a client span, to this remote service). */
    private static JsonNode span(List<JsonNode> spans, String service, String kind, String remote) {
        List<JsonNode> found = spans.stream()
                .filter(s -> s.path("localEndpoint").path("serviceName").asText().equals(service))
                .filter(s -> s.path("kind").asText().equals(kind))
                .filter(s -> remote == null || s.path("remoteEndpoint").path("serviceName").asText().equals(remote))
                .toList();
        assertThat(found).as(service + " " + kind + " " + remote + " in " + spans).hasSize(1);
        return found.get(0);
    }
}
