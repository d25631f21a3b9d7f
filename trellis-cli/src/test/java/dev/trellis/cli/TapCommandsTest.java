package dev.trellis.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** tap and top on real proxies: requests made while the views run show up in them. */
class TapCommandsTest {
    @TempDir
    Path dir;
    MeshFixture mesh;

    @BeforeEach
    void start() throws Exception {
        mesh = new MeshFixture(dir);
    }

    @AfterEach
    void stop() {
        mesh.close();
    }

    /** Calls through the mesh until the view finished (it needs a request made while it taps). */
    private MeshFixture.Run whileCalling(CompletableFuture<MeshFixture.Run> view, String path) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            mesh.call(path);
            return view.isDone();
        });
        return view.join();
    }

    @Test
    void tapPrintsALinePerRequest() {
        CompletableFuture<MeshFixture.Run> tap = CompletableFuture.supplyAsync(() -> MeshFixture.cli("tap", "catalog", "--max", "1",
                "--seconds", "30", "--path-prefix", "/tapped", "--control-plane-api", mesh.api()));
        MeshFixture.Run r = whileCalling(tap, "/tapped/items");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out().lines()).singleElement().satisfies(line -> assertThat(line)
                .startsWith("in  :method=GET :authority=catalog :path=/tapped/items :status=200 latency=")
                .contains("dst=catalog")
                .contains("proxy=catalog.default~127.0.0.1:" + mesh.catalog.proxy().inboundPort()));

        CompletableFuture<MeshFixture.Run> json = CompletableFuture.supplyAsync(() -> MeshFixture.cli("tap", "catalog", "--max", "1",
                "-o", "json", "--method", "GET", "--control-plane-api", mesh.api()));
        MeshFixture.Run j = whileCalling(json, "/json");
        assertThat(j.code()).as(j.err()).isZero();
        JsonNode event = readJson(j.out().strip());
        assertThat(event.path("path").asText()).isEqualTo("/json");
        assertThat(event.path("status").asInt()).isEqualTo(200);
        assertThat(event.path("proxy").asText()).startsWith("catalog.default~");

        MeshFixture.Run unknown = MeshFixture.cli("tap", "nobody", "--control-plane-api", mesh.api());
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.err()).contains("service nobody: no connected proxy");
    }

    @Test
    void topPrintsATablePerIntervalWhenPiped() {
        CompletableFuture<MeshFixture.Run> top = CompletableFuture.supplyAsync(() -> MeshFixture.cli("top", "catalog", "--interval", "300ms",
                "--duration", "4s", "--control-plane-api", mesh.api()));
        MeshFixture.Run r = whileCalling(top, "/top/items?id=1");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("# catalog — ").containsPattern("(?m)^SOURCE\\s+DESTINATION\\s+METHOD\\s+PATH\\s+COUNT\\s+BEST\\s+WORST\\s+LAST\\s+SUCCESS$");
        String last = r.out().substring(r.out().lastIndexOf("# catalog"));
        assertThat(last).containsPattern("(?m)^\\S+\\s+catalog\\s+GET\\s+/top/items\\s+\\d+\\s+\\d+ms\\s+\\d+ms\\s+\\d+ms\\s+100\\.00%$");
    }

    private static JsonNode readJson(String s) {
        try {
            return ControlPlaneApi.JSON.readTree(s);
        } catch (Exception e) {
            throw new AssertionError(s, e);
        }
    }
}
