package dev.trellis.controlplane.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.config.ConfigProblem;
import dev.trellis.config.resource.Service;
import dev.trellis.controlplane.MutableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigDirectoryTest {
    static final String CATALOG = """
            apiVersion: trellis.dev/v1alpha1
            kind: Service
            metadata: {name: catalog}
            spec:
              port: 8080
              endpoints: [{address: "127.0.0.1:9001"}]
            """;
    static final String WEB = """
            apiVersion: trellis.dev/v1alpha1
            kind: Service
            metadata: {name: web}
            spec:
              port: 80
            """;
    static final String SPLIT = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: catalog-split}
            spec:
              parentRefs: [{kind: Service, name: catalog}]
              rules:
                - backendRefs: [{name: catalog}]
            """;

    @TempDir
    Path dir;
    ConfigDirectory directory;
    final List<ConfigState> changes = new ArrayList<>();

    @BeforeEach
    void start() {
        // a poll interval far longer than any test: reloads happen when the test asks
        directory = new ConfigDirectory(dir, Duration.ofHours(1), new MutableClock(Instant.EPOCH));
        directory.onChange(changes::add);
    }

    @AfterEach
    void stop() {
        directory.close();
    }

    private void write(String name, String content) throws IOException {
        Files.writeString(dir.resolve(name), content);
    }

    @Test
    void loadsEveryYamlFileOfTheDirectory() throws IOException {
        write("catalog.yaml", CATALOG);
        write("web.yml", WEB);
        write("notes.txt", "not configuration");
        directory.start();

        ConfigState s = directory.state();
        assertThat(s.valid()).isTrue();
        assertThat(s.generation()).isEqualTo(1);
        assertThat(s.resources().services()).extracting(Service::name).containsExactly("catalog", "web");
        assertThat(s.documents()).containsKey(new ResourceKey("Service", "default", "catalog"));
    }

    @Test
    void anInvalidChangeIsRejectedWithFileLineAndReasonAndTheLastGoodConfigurationStays() throws IOException {
        write("catalog.yaml", CATALOG);
        directory.start();

        write("catalog.yaml", CATALOG.replace("port: 8080", "port: 80800"));
        assertThat(directory.reload()).isTrue();

        ConfigState s = directory.state();
        assertThat(s.valid()).isFalse();
        assertThat(s.generation()).as("still the first configuration").isEqualTo(1);
        assertThat(s.resources().services()).singleElement().extracting(Service::port).isEqualTo(8080);
        ConfigProblem p = s.problems().get(0);
        assertThat(p.location().file()).isEqualTo(dir.resolve("catalog.yaml").toString());
        assertThat(p.location().line()).isEqualTo(5);
        assertThat(p.reason()).contains("80800").contains("expected");

        write("catalog.yaml", CATALOG.replace("port: 8080", "port: 8081"));
        directory.reload();
        assertThat(directory.state().valid()).isTrue();
        assertThat(directory.state().generation()).isEqualTo(2);
        assertThat(changes).extracting(ConfigState::valid).containsExactly(true, false, true);
    }

    @Test
    void anUnchangedDirectoryIsNotReloaded() throws IOException {
        write("catalog.yaml", CATALOG);
        directory.start();
        assertThat(directory.reload()).isFalse();
        assertThat(changes).hasSize(1);
    }

    @Test
    void applyCreatesOneFilePerNewResource() throws IOException {
        directory.start();
        Outcome o = directory.apply(CATALOG + "---\n" + SPLIT);

        assertThat(o.status()).isEqualTo(Outcome.Status.OK);
        assertThat(o.changes()).containsExactly("Service default/catalog created", "HTTPRoute default/catalog-split created");
        assertThat(Files.readString(dir.resolve("service-catalog.yaml"))).isEqualTo(CATALOG);
        assertThat(Files.readString(dir.resolve("httproute-catalog-split.yaml"))).isEqualTo(SPLIT);
        assertThat(directory.state().resources().httpRoutes()).hasSize(1);
    }

    @Test
    void applyReplacesAResourceWhereItIsWrittenAndKeepsTheRestOfTheFile() throws IOException {
        write("mesh.yaml", "# the shop\n" + CATALOG + "---\n" + WEB);
        directory.start();

        Outcome o = directory.apply(WEB.replace("port: 80", "port: 81"));

        assertThat(o.changes()).containsExactly("Service default/web configured");
        assertThat(Files.readString(dir.resolve("mesh.yaml"))).isEqualTo("# the shop\n" + CATALOG + "---\n" + WEB.replace("port: 80", "port: 81"));
        assertThat(directory.state().resources().service("default", "web")).get().extracting(Service::port).isEqualTo(81);
        assertThat(directory.apply(WEB.replace("port: 80", "port: 81")).changes()).containsExactly("Service default/web unchanged");
    }

    @Test
    void anInvalidApplyWritesNothing() throws IOException {
        write("catalog.yaml", CATALOG);
        directory.start();

        Outcome o = directory.apply(SPLIT.replace("name: catalog}", "name: nowhere}"));

        assertThat(o.status()).isEqualTo(Outcome.Status.INVALID);
        assertThat(o.problems()).extracting(ConfigProblem::reason).allMatch(r -> r.contains("nowhere"))
                .anyMatch(r -> r.startsWith("spec.parentRefs[0].name"));
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("catalog.yaml");
        }
    }

    @Test
    void applyReportsYamlErrorsAtTheirLineInTheInput() {
        directory.start();
        Outcome o = directory.apply(CATALOG + "---\nkind: [unclosed\n");
        assertThat(o.status()).isEqualTo(Outcome.Status.INVALID);
        assertThat(o.problems().get(0).location().file()).isEqualTo("<input>");
        assertThat(o.problems().get(0).location().line()).isGreaterThanOrEqualTo(8);
    }

    @Test
    void deleteRemovesTheDocumentAndTheFileWhenNothingElseIsInIt() throws IOException {
        write("mesh.yaml", CATALOG + "---\n" + WEB);
        write("split.yaml", SPLIT);
        directory.start();

        assertThat(directory.delete(new ResourceKey("Service", "default", "web")).status()).isEqualTo(Outcome.Status.OK);
        assertThat(Files.readString(dir.resolve("mesh.yaml"))).isEqualTo(CATALOG);

        assertThat(directory.delete(new ResourceKey("HTTPRoute", "default", "catalog-split")).status()).isEqualTo(Outcome.Status.OK);
        assertThat(dir.resolve("split.yaml")).doesNotExist();
        assertThat(directory.delete(new ResourceKey("HTTPRoute", "default", "catalog-split")).status()).isEqualTo(Outcome.Status.NOT_FOUND);
        assertThat(directory.state().resources().resources()).hasSize(1);
    }

    @Test
    void deletingAServiceARouteStillNeedsIsRejected() throws IOException {
        write("catalog.yaml", CATALOG);
        write("split.yaml", SPLIT);
        directory.start();

        Outcome o = directory.delete(new ResourceKey("Service", "default", "catalog"));

        assertThat(o.status()).isEqualTo(Outcome.Status.INVALID);
        assertThat(dir.resolve("catalog.yaml")).exists();
    }
}
