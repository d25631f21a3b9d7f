package dev.trellis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `trellis apply`, `get` and `delete` against a running control plane, as a user types them. */
class ResourceCommandsIT {
    static final String CATALOG = """
            apiVersion: trellis.dev/v1alpha1
            kind: Service
            metadata: {name: catalog}
            spec:
              port: 8080
              endpoints: [{address: "127.0.0.1:9001"}]
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
    Path conf;
    TrellisProcess cp;
    int apiPort;

    @BeforeEach
    void start() throws Exception {
        conf = Files.createDirectories(dir.resolve("conf"));
        apiPort = SidecarProcess.freePort();
        cp = TrellisProcess.controlPlane(conf, SidecarProcess.freePort(), apiPort, dir.resolve("control-plane.log"));
    }

    @AfterEach
    void stop() throws Exception {
        cp.close();
    }

    record Result(int code, String output) {}

    private int n;

    private Result trellis(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--control-plane-api", "127.0.0.1:" + apiPort));
        Path log = dir.resolve("cli-" + (n++) + ".log");
        TrellisProcess p = TrellisProcess.start(log, List.of("-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"), all);
        assertThat(p.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.process.exitValue(), p.log());
    }

    @Test
    void applyGetAndDeleteGoThroughTheControlPlaneAndPersistToItsDirectory() throws Exception {
        Path file = dir.resolve("catalog.yaml");
        Files.writeString(file, CATALOG + "---\n" + SPLIT);

        Result applied = trellis("apply", "-f", file.toString());
        assertThat(applied.code()).as(applied.output()).isZero();
        assertThat(applied.output()).contains("Service default/catalog created", "HTTPRoute default/catalog-split created");
        assertThat(conf.resolve("service-catalog.yaml")).hasContent(CATALOG.strip());

        Result list = trellis("get", "httproutes");
        assertThat(list.output()).contains("HTTPRoute", "catalog-split", "httproute-catalog-split.yaml:1");
        Result one = trellis("get", "service", "catalog");
        assertThat(one.output()).contains("kind: Service", "127.0.0.1:9001");

        Result again = trellis("apply", "-f", file.toString());
        assertThat(again.output()).contains("Service default/catalog unchanged");

        Result refused = trellis("delete", "service", "catalog");
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.output()).contains("spec.parentRefs[0].name: catalog (expected: an existing Service");

        assertThat(trellis("delete", "httproute", "catalog-split").output()).contains("HTTPRoute default/catalog-split deleted");
        assertThat(conf.resolve("httproute-catalog-split.yaml")).doesNotExist();
        assertThat(trellis("get", "httproute", "catalog-split").code()).isEqualTo(1);
    }

    @Test
    void anInvalidApplyIsRefusedWithFileLineAndReasonAndWritesNothing() throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, CATALOG.replace("port: 8080", "port: 0"));

        Result r = trellis("apply", "-f", file.toString());

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.output()).contains("rejected; nothing was written", "service-catalog.yaml:5: spec.port: 0 (expected: 1..65535)");
        try (var files = Files.list(conf)) {
            assertThat(files.filter(f -> f.toString().endsWith(".yaml"))).isEmpty();
        }
    }

    /** An Istio DestinationRule, pasted as Istio users write it, is applied, listed under its own kind and stored. */
    @Test
    void anIstioDestinationRuleIsAppliedListedAndStoredAsWritten() throws Exception {
        Path file = dir.resolve("rule.yaml");
        Files.writeString(file, CATALOG + "---\n" + """
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: catalog}
                spec:
                  host: catalog.default.svc.cluster.local
                  trafficPolicy:
                    connectionPool: {tcp: {maxConnections: 100}}
                """);

        Result applied = trellis("apply", "-f", file.toString());
        assertThat(applied.code()).as(applied.output()).isZero();
        assertThat(applied.output()).contains("DestinationRule default/catalog created");
        assertThat(conf.resolve("destinationrule-catalog.yaml")).content().contains("maxConnections: 100");
        assertThat(trellis("get", "destinationrules").output()).contains("DestinationRule", "catalog");

        Files.writeString(file, CATALOG + "---\n" + """
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: catalog}
                spec:
                  host: catalog
                  subsets: [{name: v1, labels: {version: v1}}]
                """);
        Result refused = trellis("apply", "-f", file.toString());
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.output()).contains("spec.subsets: not supported (expected: a Service per version");
    }

    /** A GRPCRoute is a kind of its own: applied, listed, and holding on to the Service it routes. */
    @Test
    void aGrpcRouteIsAppliedListedAndKeepsItsServiceFromBeingDeleted() throws Exception {
        Path file = dir.resolve("grpc.yaml");
        Files.writeString(file, CATALOG + "---\n" + """
                apiVersion: gateway.networking.k8s.io/v1
                kind: GRPCRoute
                metadata: {name: catalog-methods}
                spec:
                  parentRefs: [{kind: Service, name: catalog}]
                  rules:
                    - matches: [{method: {service: shop.v1.Catalog, method: GetItem}}]
                      backendRefs: [{name: catalog}]
                """);

        Result applied = trellis("apply", "-f", file.toString());
        assertThat(applied.code()).as(applied.output()).isZero();
        assertThat(applied.output()).contains("GRPCRoute default/catalog-methods created");
        assertThat(trellis("get", "grpcroutes").output()).contains("GRPCRoute", "catalog-methods", "grpcroute-catalog-methods.yaml:1");
        Result refused = trellis("delete", "service", "catalog");
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.output()).contains("spec.parentRefs[0].name: catalog (expected: an existing Service");
    }
}
