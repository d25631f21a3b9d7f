package dev.trellis.proxy.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trellis.proxy.Proxy;
import dev.trellis.proxy.ProxyOptions;
import dev.trellis.proxy.config.AccessLogConfig;
import dev.trellis.proxy.config.Authorization;
import dev.trellis.proxy.config.ClusterConfig;
import dev.trellis.proxy.config.Endpoint;
import dev.trellis.proxy.config.EndpointSet;
import dev.trellis.proxy.config.ListenerConfig;
import dev.trellis.proxy.config.ListenerTelemetry;
import dev.trellis.proxy.config.ProxySnapshot;
import dev.trellis.proxy.config.TlsMode;
import dev.trellis.proxy.config.TracingConfig;
import dev.trellis.proxy.config.UpstreamTls;
import dev.trellis.proxy.testing.Snapshots;
import dev.trellis.proxy.testing.TestBackend;
import dev.trellis.proxy.tls.IdentitySource;
import dev.trellis.proxy.tls.TestPki;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two sidecars over mutual TLS: the destination's access log and tap name the caller by its workload identity. */
class MutualTlsCallerTest {
    static final String CATALOG = "spiffe://cluster.local/ns/default/sa/catalog";
    static final String WEB = "spiffe://cluster.local/ns/default/sa/web";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final TestPki pki = new TestPki("mesh root");
    @TempDir
    Path dir;
    private TestBackend app;
    private Proxy catalog;
    private Proxy web;

    @AfterEach
    void stop() {
        if (web != null) {
            web.drainAndStop();
        }
        if (catalog != null) {
            catalog.drainAndStop();
        }
        if (app != null) {
            app.close();
        }
    }

    private Proxy start(String service, String spiffeId, ProxySnapshot snapshot) throws Exception {
        Path identity = TestPki.write(pki.identity(spiffeId), dir.resolve(service));
        Proxy p = Proxy.start(ProxyOptions.builder(service).ephemeralPorts().workers(2).drainTimeout(Duration.ofSeconds(2))
                .identity(IdentitySource.files(identity)).build());
        p.apply(snapshot, "test");
        return p;
    }

    @Test
    void theCallersIdentityNamesTheSource() throws Exception {
        app = TestBackend.start("catalog");
        Path accessLog = dir.resolve("catalog-access.log");
        ListenerConfig inbound = new ListenerConfig("inbound", ListenerConfig.Direction.INBOUND, 0,
                ListenerConfig.ListenerProtocol.HTTP, "inbound", "inbound|" + app.port(), true, Duration.ofMillis(300),
                TlsMode.STRICT, Authorization.NONE,
                new ListenerTelemetry(TracingConfig.DISABLED, Optional.of(new AccessLogConfig(accessLog.toString()))));
        catalog = start("catalog", CATALOG, Snapshots.builder().listener(inbound).app(app.port(), ClusterConfig.UpstreamProtocol.HTTP1).build());
        ProxySnapshot base = Snapshots.builder().service("catalog", ClusterConfig.UpstreamProtocol.HTTP1).build();
        Endpoint meshed = new Endpoint("127.0.0.1", catalog.inboundPort(), 1, Map.of(), true);
        web = start("web", WEB, new ProxySnapshot(base.versions(), base.listeners(), base.routeTables(),
                Map.of("catalog", base.clusters().get("catalog").withTls(UpstreamTls.of(CATALOG))),
                Map.of("catalog", new EndpointSet("catalog", List.of(meshed)))));
        // both identities load from their files asynchronously
        await().atMost(15, TimeUnit.SECONDS).ignoreExceptions().until(() -> call("/echo?warmup").statusCode() == 200);

        BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
        HttpResponse<Stream<String>> tap = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + catalog.adminPort() + "/tap?max=1")).build(), HttpResponse.BodyHandlers.ofLines());
        Thread reader = new Thread(() -> tap.body().forEach(line -> {
            try {
                events.add(new ObjectMapper().readTree(line));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }));
        reader.setDaemon(true);
        reader.start();

        assertThat(call("/echo?traced").statusCode()).isEqualTo(200);

        JsonNode event = events.poll(10, TimeUnit.SECONDS);
        assertThat(event).isNotNull();
        assertThat(event.get("direction").asText()).isEqualTo("inbound");
        assertThat(event.get("path").asText()).isEqualTo("/echo?traced");
        assertThat(event.get("source").asText()).isEqualTo(WEB);
        assertThat(event.get("sourceService").asText()).isEqualTo("web");
        assertThat(event.get("endpoint").asText()).isEqualTo("127.0.0.1:" + app.port());

        ObjectMapper json = new ObjectMapper();
        await().atMost(10, TimeUnit.SECONDS).until(() -> Files.exists(accessLog)
                && Files.readString(accessLog).contains("/echo?traced"));
        JsonNode line = null;
        for (String l : Files.readAllLines(accessLog)) {
            JsonNode n = json.readTree(l);
            if (n.get("path").asText().equals("/echo?traced")) {
                line = n;
            }
        }
        assertThat(line).isNotNull();
        assertThat(line.get("peer_identity").asText()).isEqualTo(WEB);
        assertThat(line.get("protocol").asText()).isEqualTo("HTTP/2"); // sidecars speak HTTP/2 to each other
        assertThat(line.get("direction").asText()).isEqualTo("inbound");
        assertThat(line.get("status").asInt()).isEqualTo(200);
    }

    private HttpResponse<String> call(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + web.outboundPort() + path))
                .header("Host", "catalog").build(), HttpResponse.BodyHandlers.ofString());
    }
}
