package dev.trellis.cli;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.trellis.controlplane.ControlPlane;
import dev.trellis.controlplane.ControlPlaneOptions;
import dev.trellis.controlplane.telemetry.ScrapeOptions;
import dev.trellis.proxy.ProxyOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine;

/**
 * A small real mesh in this JVM: a control plane scraping every 100 ms, a "catalog" app (GET /ok → 200,
 * GET /fail → 500, each after {@link #APP_DELAY_MS}) behind its sidecar, and a client-only "web" sidecar
 * whose outbound listener the test calls through.
 */
final class MeshFixture implements AutoCloseable {
    static final long APP_DELAY_MS = 60;

    ControlPlane cp;
    HttpServer app;
    Sidecar catalog;
    Sidecar web;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    MeshFixture(Path dir) throws Exception {
        try {
            start(dir);
        } catch (Exception | Error e) {
            if (cp != null) {
                System.err.println("mesh not ready; proxies: " + apiGet("/api/v1/proxies"));
            }
            close();
            throw e;
        }
    }

    private void start(Path dir) throws Exception {
        System.setProperty(ScrapeOptions.INTERVAL_PROPERTY, "100ms");
        Files.writeString(dir.resolve("mesh.yaml"), """
                apiVersion: trellis.dev/v1alpha1
                kind: Service
                metadata: {name: catalog}
                spec:
                  port: 8080
                  selector: {app: catalog}
                ---
                apiVersion: trellis.dev/v1alpha1
                kind: Service
                metadata: {name: web}
                spec:
                  port: 8081
                  selector: {app: web}
                """);
        cp = ControlPlane.start(ControlPlaneOptions.builder(dir).xdsPort(0).apiPort(0).pollInterval(Duration.ofMillis(50)).build());
        app = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        app.createContext("/", ex -> {
            try (ex) {
                try {
                    Thread.sleep(APP_DELAY_MS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                byte[] body = "catalog\n".getBytes();
                ex.sendResponseHeaders(ex.getRequestURI().getPath().startsWith("/fail") ? 500 : 200, body.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        app.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        app.start();
        String xds = "127.0.0.1:" + cp.xdsPort();
        catalog = Sidecar.controlPlane(ProxyOptions.builder("catalog").ephemeralPorts().workers(1).appPort(app.getAddress().getPort()).build(),
                xds, Map.of("app", "catalog"), null, Duration.ZERO, false);
        web = Sidecar.controlPlane(ProxyOptions.builder("web").ephemeralPorts().workers(1).build(), xds, Map.of("app", "web"), null,
                Duration.ZERO, false);
        // web knows catalog's instance, and both proxies have a first scrape (the baseline later traffic counts from)
        // web holds catalog's instance once it ACKed a snapshot published after the registration; both proxies
        // also have a first scrape, the baseline later traffic counts from
        await().atMost(Duration.ofSeconds(20)).until(() -> cp.registry().instances().stream()
                .anyMatch(i -> i.registration().service().equals("catalog") && i.connected()));
        cp.publisher().publishAll();
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            JsonNode proxies = ControlPlaneApi.JSON.readTree(apiGet("/api/v1/proxies"));
            if (proxies.size() != 2) {
                return false;
            }
            for (JsonNode p : proxies) {
                if (p.path("lastScrape").isNull() || !p.path("inSync").asBoolean()) {
                    return false;
                }
            }
            return true;
        });
    }

    String api() {
        return "127.0.0.1:" + cp.apiPort();
    }

    String apiGet(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://" + api() + path)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    static String adminGet(Sidecar s, String path) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.proxy().adminPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** A request from web to catalog through web's outbound listener; returns the status. */
    int call(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + web.proxy().outboundPort() + path))
                .header("Host", "catalog").build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** Runs the CLI in this JVM. */
    static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine c = TrellisCli.commandLine(args);
        c.setOut(new PrintWriter(out, true));
        c.setErr(new PrintWriter(err, true));
        int code = c.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    record Run(int code, String out, String err) {}

    @Override
    public void close() {
        System.clearProperty(ScrapeOptions.INTERVAL_PROPERTY);
        if (web != null) {
            web.stop();
        }
        if (catalog != null) {
            catalog.stop();
        }
        if (app != null) {
            app.stop(0);
        }
        if (cp != null) {
            cp.close();
        }
    }
}
