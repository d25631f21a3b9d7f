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
import org.junit.jupiter.api.io.TempDir;

/** `trellis run`: a plain process with its sidecar, against a real control plane. */
class RunCommandIT {
    @TempDir
    Path dir;
    TrellisProcess cp;
    HttpBackend backend;
    int xdsPort;
    int apiPort;
    final List<TrellisProcess> runs = new ArrayList<>();
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void start() throws Exception {
        backend = HttpBackend.start("hello from backend");
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Files.writeString(conf.resolve("mesh.yaml"), """
                apiVersion: trellis.dev/v1alpha1
                kind: Service
                metadata: {name: backend}
                spec:
                  port: 8080
                  endpoints: [{address: "127.0.0.1:%d"}]
                ---
                apiVersion: trellis.dev/v1alpha1
                kind: Service
                metadata: {name: callee}
                spec: {port: 8080, selector: {app: callee}}
                """.formatted(backend.port()));
        xdsPort = SidecarProcess.freePort();
        apiPort = SidecarProcess.freePort();
        cp = TrellisProcess.controlPlane(conf, xdsPort, apiPort, dir.resolve("control-plane.log"));
    }

    @AfterEach
    void stop() throws Exception {
        for (TrellisProcess r : runs) {
            r.close();
        }
        cp.close();
        backend.close();
    }

    private List<JsonNode> instances() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + "/api/v1/instances")).build(),
                HttpResponse.BodyHandlers.ofString());
        List<JsonNode> out = new ArrayList<>();
        new ObjectMapper().readTree(r.body()).path("items").forEach(out::add);
        return out;
    }

    private TrellisProcess run(String name, int appPort, int outbound, int admin, String script) throws Exception {
        // no identity flags: the sidecar asks the local control plane for a token and gets mutual TLS by default
        TrellisProcess p = TrellisProcess.start(dir.resolve(name + ".log"), TrellisProcess.SIDECAR_JVM, List.of("run",
                "--service", name, "--app-port", Integer.toString(appPort), "--control-plane", "127.0.0.1:" + xdsPort,
                "--control-plane-api", "127.0.0.1:" + apiPort,
                "--outbound-port", Integer.toString(outbound), "--inbound-port", Integer.toString(SidecarProcess.freePort()),
                "--admin-port", Integer.toString(admin), "--shutdown-delay", "0s", "--", "sh", "-c", script));
        runs.add(p);
        return p;
    }

    @Test
    void aBatchJobCallsThroughItsSidecarAndItsExitCodeIsTheCommands() throws Exception {
        TrellisProcess job = run("job", 1, SidecarProcess.freePort(), SidecarProcess.freePort(),
                "curl -sf -H 'Host: backend' http://$TRELLIS_OUTBOUND/ && echo && exit 7");
        assertThat(job.process.waitFor(60, TimeUnit.SECONDS)).as(job.log()).isTrue();
        assertThat(job.process.exitValue()).as(job.log()).isEqualTo(7);
        assertThat(job.log()).contains("hello from backend").contains("exited with 7; the sidecar drains");
        assertThat(instances()).as("a job that never listens is never registered").isEmpty();
    }

    @Test
    void twoRunServicesTalkOverMutualTlsWithoutIdentityFlags() throws Exception {
        int appPort = SidecarProcess.freePort();
        int admin = SidecarProcess.freePort();
        TrellisProcess callee = run("callee", appPort, SidecarProcess.freePort(), admin,
                "exec python3 -m http.server %d --bind 127.0.0.1 >/dev/null 2>&1".formatted(appPort));
        callee.awaitOk("http://127.0.0.1:" + admin + "/ready");
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> instances().size() == 1);
        int callerOutbound = SidecarProcess.freePort();
        int callerAdmin = SidecarProcess.freePort();
        TrellisProcess caller = run("caller", 1, callerOutbound, callerAdmin,
                "for i in $(seq 1 60); do curl -sf -o /dev/null -H 'Host: callee' http://$TRELLIS_OUTBOUND/ && echo called && exit 0; sleep 0.5; done; exit 1");
        assertThat(caller.process.waitFor(60, TimeUnit.SECONDS)).as(caller.log()).isTrue();
        assertThat(caller.process.exitValue()).as(caller.log()).isZero();
        assertThat(caller.log()).contains("local bootstrap token for spiffe://cluster.local/ns/default/sa/caller");
        String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics.lines().filter(l -> l.startsWith("request_total{") && l.contains("direction=\"inbound\"")))
                .as(metrics).anyMatch(l -> l.contains("tls=\"true\"") && l.contains("client_id=\"spiffe://cluster.local/ns/default/sa/caller\""));
        assertThat(callee.log()).contains("workload identity spiffe://cluster.local/ns/default/sa/callee from the CA at grpc://");
    }

    @Test
    void onSigtermTheSidecarKeepsServingUntilTheApplicationHasStopped() throws Exception {
        int appPort = SidecarProcess.freePort();
        int outbound = SidecarProcess.freePort();
        int admin = SidecarProcess.freePort();
        // an application that takes two seconds to stop once asked, as servers finishing their work do
        TrellisProcess app = run("app", appPort, outbound, admin, """
                python3 -m http.server %d --bind 127.0.0.1 >/dev/null 2>&1 &
                child=$!
                trap 'echo stopping; sleep 2; kill $child; exit 0' TERM
                wait $child
                """.formatted(appPort));
        app.awaitOk("http://127.0.0.1:" + admin + "/ready");
        // registered once the application listens
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> instances().size() == 1);
        assertThat(instances().get(0).path("service").asText()).isEqualTo("app");
        HttpRequest viaSidecar = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + outbound + "/"))
                .header("Host", "backend").timeout(Duration.ofSeconds(5)).build();
        assertThat(http.send(viaSidecar, HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("hello from backend");

        app.process.destroy(); // SIGTERM to `trellis run`
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> app.log().contains("stopping"));
        assertThat(app.process.isAlive()).isTrue();
        assertThat(http.send(viaSidecar, HttpResponse.BodyHandlers.ofString()).body())
                .as("served while the application stops").isEqualTo("hello from backend");
        assertThat(TrellisProcess.status("http://127.0.0.1:" + admin + "/ready")).isEqualTo(200);

        assertThat(app.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(app.process.exitValue()).isZero();
        assertThat(app.log()).contains("forwarding SIGTERM to the application");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> instances().isEmpty());
    }
}
