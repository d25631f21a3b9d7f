package dev.trellis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trellis.config.resource.HttpRoute;
import dev.trellis.config.resource.Protocol;
import dev.trellis.config.resource.Service;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    static final String CATALOG = """
            apiVersion: trellis.dev/v1alpha1
            kind: Service
            metadata: {name: catalog, namespace: default}
            spec:
              protocol: http
              port: 8080
              selector: {app: catalog}
              endpoints:
                - {address: "127.0.0.1:9001", labels: {version: v1}}
                - address: "[::1]:9002"
                  weight: 3
                  meshed: true
            """;

    final ConfigLoader loader = ConfigLoader.standard();

    private ResourceSet parse(String yaml) {
        return loader.parse("mesh.yaml", yaml);
    }

    /** The single problem of loading {@code yaml}, as "file:line: reason". */
    private static ConfigException failure(ThrowingCallable load) {
        try {
            load.call();
        } catch (ConfigException e) {
            return e;
        } catch (Throwable t) {
            throw new AssertionError("expected a ConfigException", t);
        }
        throw new AssertionError("expected a ConfigException, loaded fine");
    }

    private ConfigException failure(String yaml) {
        return failure(() -> parse(yaml));
    }

    @Test
    void readsAService() {
        Service s = parse(CATALOG).services().get(0);
        assertThat(s.name()).isEqualTo("catalog");
        assertThat(s.namespace()).isEqualTo("default");
        assertThat(s.protocol()).isEqualTo(Protocol.HTTP);
        assertThat(s.port()).isEqualTo(8080);
        assertThat(s.selector()).isEqualTo(Map.of("app", "catalog"));
        assertThat(s.endpoints()).containsExactly(
                new Service.Endpoint("127.0.0.1", 9001, Map.of("version", "v1"), 1, false),
                new Service.Endpoint("::1", 9002, Map.of(), 3, true));
        assertThat(s.location()).isEqualTo(new Location("mesh.yaml", 1, 1));
    }

    @Test
    void readsAnHttpRouteWithDefaults() {
        HttpRoute r = parse(CATALOG + """
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: catalog-split}
                spec:
                  parentRefs: [{kind: Service, name: catalog, port: 8080}]
                  hostnames: [catalog.example.com]
                  rules:
                    - matches:
                        - path: {type: Exact, value: /admin}
                          headers: [{name: X-Canary, value: "1"}, {type: RegularExpression, name: x-user, value: "a.*"}]
                          queryParams: [{name: debug, value: "on"}]
                          method: POST
                      backendRefs: [{name: catalog}]
                    - backendRefs: [{name: catalog, weight: 0}, {name: catalog, namespace: default, port: 8080, weight: 10}]
                      timeouts: {request: 1m30s, backendRequest: 500ms}
                """).httpRoutes().get(0);
        assertThat(r.location().line()).isEqualTo(14);
        assertThat(r.parentRefs()).singleElement().satisfies(p -> {
            assertThat(p.namespace()).isEqualTo("default");
            assertThat(p.port()).isEqualTo(8080);
            assertThat(p.location().line()).isEqualTo(18);
        });
        assertThat(r.hostnames()).containsExactly("catalog.example.com");
        HttpRoute.Match m = r.rules().get(0).matches().get(0);
        assertThat(m.path()).isEqualTo(new HttpRoute.PathMatch(HttpRoute.PathType.EXACT, "/admin"));
        assertThat(m.headers()).containsExactly(
                new HttpRoute.HeaderMatch(HttpRoute.ValueType.EXACT, "x-canary", "1"),
                new HttpRoute.HeaderMatch(HttpRoute.ValueType.REGULAR_EXPRESSION, "x-user", "a.*"));
        assertThat(m.queryParams()).containsExactly(new HttpRoute.HeaderMatch(HttpRoute.ValueType.EXACT, "debug", "on"));
        assertThat(m.method()).isEqualTo("POST");
        assertThat(r.rules().get(0).timeouts()).isEqualTo(HttpRoute.Timeouts.NONE);
        HttpRoute.Rule second = r.rules().get(1);
        assertThat(second.matches()).containsExactly(HttpRoute.Match.ANY);
        assertThat(second.backendRefs()).extracting(HttpRoute.BackendRef::weight).containsExactly(0, 10);
        assertThat(second.timeouts()).isEqualTo(new HttpRoute.Timeouts(Duration.ofSeconds(90), Duration.ofMillis(500)));
    }

    @Test
    void readsEveryYamlFileOfADirectoryInNameOrder(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("b.yml"), CATALOG.replace("catalog", "b"));
        Files.writeString(dir.resolve("a.yaml"), CATALOG.replace("catalog", "a") + "---\n" + CATALOG.replace("catalog", "c"));
        Files.writeString(dir.resolve("notes.txt"), "not: yaml: at all");
        Files.writeString(dir.resolve(".hidden.yaml"), "kind: Nonsense");
        ResourceSet set = loader.load(dir);
        assertThat(set.services()).extracting(Service::name).containsExactly("a", "c", "b");
        assertThat(set.services().get(1).location()).isEqualTo(new Location(dir.resolve("a.yaml").toString(), 14, 1));
    }

    @Test
    void emptyDocumentsAreSkipped() {
        assertThat(parse("---\n" + CATALOG + "---\n---\n").services()).hasSize(1);
        assertThat(parse("").resources()).isEmpty();
    }

    @Test
    void unknownFieldIsAnErrorAtItsLine() {
        ConfigException e = failure(CATALOG.replace("      weight: 3", "      wieght: 3"));
        assertThat(e).hasMessage("mesh.yaml:11: spec.endpoints[1].wieght: unknown field (did you mean weight?)");
        assertThat(e.file()).isEqualTo("mesh.yaml");
        assertThat(e.line()).isEqualTo(11);
        assertThat(e.column()).isEqualTo(7);
        assertThat(e.reason()).isEqualTo("spec.endpoints[1].wieght: unknown field (did you mean weight?)");
    }

    @Test
    void unknownFieldWithoutACloseNameListsTheKnownOnes() {
        assertThat(failure(CATALOG.replace("  port: 8080", "  port: 8080\n  loadBalancer: RANDOM")))
                .hasMessage("mesh.yaml:7: spec.loadBalancer: unknown field (expected one of: protocol, port, selector, endpoints, rateLimit, dnsRefresh)");
    }

    @Test
    void unknownTopLevelFieldAndStatus() {
        assertThat(failure(CATALOG + "status: {}\n")).hasMessage("mesh.yaml:13: status: unknown field (expected one of: apiVersion, kind, metadata, spec)");
    }

    @Test
    void unknownKindAndWrongApiVersion() {
        assertThat(failure(CATALOG.replace("kind: Service", "kind: VirtualService")))
                .hasMessage("mesh.yaml:2: kind: \"VirtualService\" (expected: one of Service, HTTPRoute, GRPCRoute, DestinationPolicy, DestinationRule, "
                        + "PeerAuthentication, AuthorizationPolicy, Telemetry)");
        assertThat(failure(CATALOG.replace("trellis.dev/v1alpha1", "v1")))
                .hasMessage("mesh.yaml:1: apiVersion: \"v1\" (expected: trellis.dev/v1alpha1 for kind Service)");
    }

    @Test
    void badValuesNameTheFieldAndTheExpectation() {
        assertThat(failure(CATALOG.replace("port: 8080", "port: 80800"))).hasMessage("mesh.yaml:6: spec.port: 80800 (expected: 1..65535)");
        assertThat(failure(CATALOG.replace("port: 8080", "port: \"8080\""))).hasMessage("mesh.yaml:6: spec.port: \"8080\" (expected: an integer)");
        assertThat(failure(CATALOG.replace("protocol: http", "protocol: https")))
                .hasMessage("mesh.yaml:5: spec.protocol: \"https\" (expected: http, http2, grpc or tcp)");
        assertThat(failure(CATALOG.replace("weight: 3", "weight: 0"))).hasMessage("mesh.yaml:11: spec.endpoints[1].weight: 0 (expected: > 0)");
        assertThat(failure(CATALOG.replace("meshed: true", "meshed: yes please")))
                .hasMessage("mesh.yaml:12: spec.endpoints[1].meshed: \"yes please\" (expected: true or false)");
        assertThat(failure(CATALOG.replace("127.0.0.1:9001", "127.0.0.1")))
                .hasMessage("mesh.yaml:9: spec.endpoints[0].address: \"127.0.0.1\" (expected: host:port, e.g. 127.0.0.1:9001 or [::1]:9001)");
        assertThat(failure(CATALOG.replace("name: catalog,", "name: Catalog_1,")))
                .hasMessage("mesh.yaml:3: metadata.name: \"Catalog_1\" (expected: a DNS label: lower-case letters, digits and '-', at most 63)");
        assertThat(failure(CATALOG.replace("selector: {app: catalog}", "selector: [app]")))
                .hasMessage("mesh.yaml:7: spec.selector: a list (expected: a mapping of strings)");
    }

    @Test
    void missingRequiredFieldIsReportedAtItsMapping() {
        assertThat(failure(CATALOG.replace("  port: 8080\n", ""))).hasMessage("mesh.yaml:4: spec.port: missing (required)");
        assertThat(failure("apiVersion: trellis.dev/v1alpha1\nkind: Service\nmetadata: {name: a}\n"))
                .hasMessage("mesh.yaml:1: spec: missing (required)");
    }

    @Test
    void yamlSyntaxErrorsHaveALine() {
        ConfigException e = failure(CATALOG.replace("  port: 8080", "  port: [8080"));
        assertThat(e.file()).isEqualTo("mesh.yaml");
        assertThat(e.line()).isBetween(6, 7);
        assertThat(e.reason()).startsWith("invalid YAML: ");
    }

    @Test
    void duplicateKeysAreErrors() {
        assertThat(failure(CATALOG.replace("  port: 8080", "  port: 8080\n  port: 8081")))
                .hasMessage("mesh.yaml:7: port: duplicate key (first at line 6)");
    }

    @Test
    void everyBrokenDocumentIsReportedAtOnce() {
        ConfigException e = failure(CATALOG.replace("port: 8080", "port: 0") + "---\n" + CATALOG.replace("catalog", "other").replace("protocol: http", "protocol: ftp"));
        assertThat(e.problems()).extracting(ConfigProblem::toString).containsExactly(
                "mesh.yaml:6: spec.port: 0 (expected: 1..65535)",
                "mesh.yaml:18: spec.protocol: \"ftp\" (expected: http, http2, grpc or tcp)");
    }

    @Test
    void duplicateNamesAreReportedAtTheSecondDefinition() {
        assertThat(failure(CATALOG + "---\n" + CATALOG))
                .hasMessage("mesh.yaml:14: metadata.name: catalog (expected: unique; Service default/catalog is already defined at mesh.yaml:1)");
        assertThat(parse(CATALOG + "---\n" + CATALOG.replace("namespace: default", "namespace: shop")).services()).hasSize(2);
    }

    @Test
    void tcpServicesMayNotShareAPort() {
        String tcp = CATALOG.replace("protocol: http", "protocol: tcp");
        assertThat(failure(tcp + "---\n" + tcp.replace("name: catalog", "name: db")))
                .hasMessage("mesh.yaml:14: Service default/db: spec.port: 8080 (expected: a port no other tcp Service uses;"
                        + " default/catalog at mesh.yaml:1 has it)");
    }

    @Test
    void problemsListTheirLocations() {
        ConfigException e = new ConfigException(List.of(new ConfigProblem(new Location("a.yaml", 3, 7), "x: 1 (expected: 2)")));
        assertThat(e).hasMessage("a.yaml:3: x: 1 (expected: 2)");
        assertThatThrownBy(() -> new ConfigException(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
