package dev.trellis.proxy.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.trellis.config.ConfigException;
import dev.trellis.config.xds.ProxyNode;
import dev.trellis.proxy.config.ProxySnapshot;
import dev.trellis.proxy.config.RouteAction.WeightedCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class StandaloneConfigSourceTest {
    static final String SERVICES = """
            apiVersion: trellis.dev/v1alpha1
            kind: Service
            metadata: {name: catalog}
            spec:
              port: 8080
              endpoints: [{address: "127.0.0.1:9001"}]
            ---
            apiVersion: trellis.dev/v1alpha1
            kind: Service
            metadata: {name: catalog-v2}
            spec:
              port: 8080
              endpoints: [{address: "127.0.0.1:9002"}]
            """;

    static String route(String weight) {
        return """
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: split}
                spec:
                  parentRefs: [{kind: Service, name: catalog}]
                  rules:
                    - backendRefs:
                        - {name: catalog, weight: 90}
                        - {name: catalog-v2, weight: %s}
                """.formatted(weight);
    }

    @TempDir
    Path dir;
    final List<ProxySnapshot> updates = new CopyOnWriteArrayList<>();
    final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    StandaloneConfigSource source;

    @BeforeEach
    void captureLogs() {
        logs.start();
        ((Logger) LoggerFactory.getLogger(StandaloneConfigSource.class)).addAppender(logs);
    }

    @AfterEach
    void stop() {
        if (source != null) {
            source.close();
        }
        ((Logger) LoggerFactory.getLogger(StandaloneConfigSource.class)).detachAppender(logs);
    }

    /** As editors and Kubernetes volumes do: the watcher never sees a half-written file. */
    private static void write(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.writeString(tmp, content);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private StandaloneConfigSource source(Path path) {
        source = new StandaloneConfigSource(path, ProxyNode.of("web", 0), Duration.ofMillis(20));
        return source;
    }

    private static List<WeightedCluster> catalogBackends(ProxySnapshot s) {
        return s.routeTables().get("outbound").virtualHosts().stream()
                .filter(vh -> vh.service().equals("catalog")).findFirst().orElseThrow()
                .routes().get(0).action().backends();
    }

    @Test
    void deliversTheFirstSnapshotBeforeStartReturns() throws IOException {
        write(dir.resolve("services.yaml"), SERVICES);
        source(dir).start(updates::add);
        assertThat(updates).singleElement().satisfies(s -> assertThat(s.clusters()).containsKeys("catalog.default", "catalog-v2.default"));
    }

    @Test
    void reloadsAChangedFile() throws IOException {
        Path file = dir.resolve("mesh.yaml");
        write(file, SERVICES + "---\n" + route("10"));
        source(file).start(updates::add);
        assertThat(catalogBackends(updates.get(0))).extracting(WeightedCluster::weight).containsExactly(90, 10);

        write(file, SERVICES + "---\n" + route("50"));

        await().atMost(Duration.ofSeconds(5)).until(() -> updates.size() == 2);
        assertThat(catalogBackends(updates.get(1))).extracting(WeightedCluster::weight).containsExactly(90, 50);
        assertThat(updates.get(1).versions()).isNotEqualTo(updates.get(0).versions());
    }

    @Test
    void picksUpNewAndRemovedFilesOfADirectory() throws IOException {
        write(dir.resolve("services.yaml"), SERVICES);
        source(dir).start(updates::add);
        assertThat(catalogBackends(updates.get(0))).containsExactly(new WeightedCluster("catalog.default", 1));

        write(dir.resolve("routes.yml"), route("10"));
        await().atMost(Duration.ofSeconds(5)).until(() -> updates.size() == 2);
        assertThat(catalogBackends(updates.get(1))).hasSize(2);

        Files.delete(dir.resolve("routes.yml"));
        await().atMost(Duration.ofSeconds(5)).until(() -> updates.size() == 3);
        assertThat(catalogBackends(updates.get(2))).containsExactly(new WeightedCluster("catalog.default", 1));
    }

    @Test
    void keepsTheLastGoodConfigurationWhenAnEditIsInvalid() throws IOException {
        write(dir.resolve("services.yaml"), SERVICES);
        Path routes = dir.resolve("routes.yaml");
        write(routes, route("10"));
        source(dir).start(updates::add);

        write(routes, route("-1"));

        await().atMost(Duration.ofSeconds(5)).until(() -> logs.list.stream()
                .anyMatch(e -> e.getFormattedMessage().contains(routes + ":9: spec.rules[0].backendRefs[1].weight: -1 (expected: >= 0)")));
        assertThat(updates).hasSize(1);

        write(routes, route("20"));
        await().atMost(Duration.ofSeconds(5)).until(() -> updates.size() == 2);
        assertThat(catalogBackends(updates.get(1))).extracting(WeightedCluster::weight).containsExactly(90, 20);
    }

    @Test
    void anInvalidInitialConfigurationFailsStart() throws IOException {
        Path file = dir.resolve("mesh.yaml");
        write(file, SERVICES.replace("port: 8080", "prot: 8080"));
        assertThatThrownBy(() -> source(file).start(updates::add))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(file + ":5: spec.prot: unknown field (did you mean port?)");
        assertThat(updates).isEmpty();
    }

    @Test
    void closeStopsWatching() throws IOException {
        Path file = dir.resolve("mesh.yaml");
        write(file, SERVICES);
        source(file).start(updates::add);
        assertThat(source.isWatching()).isTrue();

        source.close();

        await().atMost(Duration.ofSeconds(5)).until(() -> !source.isWatching());
        write(file, SERVICES + "---\n" + route("10"));
        assertThat(updates).hasSize(1);
    }
}
