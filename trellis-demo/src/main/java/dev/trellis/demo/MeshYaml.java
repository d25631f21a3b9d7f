package dev.trellis.demo;

import dev.trellis.demo.app.AppKind;
import dev.trellis.demo.app.AppSpec;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Writes the demo mesh's configuration: one Service per member, each instance being its sidecar's inbound port
 * ({@code meshed: true}: sidecars talk multiplexed HTTP/2 to it), and a "catalog" Service whose HTTPRoute splits
 * traffic 80/20 between the catalog-v1 and catalog-v2 Services.
 */
public final class MeshYaml {
    static final int CATALOG_V1_WEIGHT = 80;
    static final int CATALOG_V2_WEIGHT = 20;

    private MeshYaml() {}

    public static String render(MeshPlan plan) {
        StringBuilder yaml = new StringBuilder()
                .append("# The Trellis demo mesh, written by `trellis demo`.\n")
                .append("# Every endpoint is the inbound port of the instance's sidecar.\n");
        for (MeshPlan.Member member : plan.members()) {
            service(yaml, member.service(), protocol(member), endpoint(member));
        }
        service(yaml, "catalog", "http", "");
        yaml.append("""
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: catalog-split}
                spec:
                  parentRefs: [{kind: Service, name: catalog}]
                  rules:
                    - backendRefs: [{name: catalog-v1, weight: %d}, {name: catalog-v2, weight: %d}]
                      timeouts: {request: 2s}
                """.formatted(CATALOG_V1_WEIGHT, CATALOG_V2_WEIGHT));
        return yaml.toString();
    }

    private static void service(StringBuilder yaml, String name, String protocol, String endpoints) {
        yaml.append("""
                ---
                apiVersion: trellis.dev/v1alpha1
                kind: Service
                metadata: {name: %s, namespace: default}
                spec:
                  protocol: %s
                  port: %d
                """.formatted(name, protocol, MeshPlan.SERVICE_PORT));
        yaml.append(endpoints);
    }

    private static String protocol(MeshPlan.Member member) {
        return member.app().map(AppSpec::kind).filter(kind -> kind == AppKind.RECOMMEND).isPresent() ? "grpc" : "http";
    }

    /** The client sends only: no instance answers for it. */
    private static String endpoint(MeshPlan.Member member) {
        if (member.app().isEmpty()) {
            return "";
        }
        return "  endpoints:\n    - {address: \"127.0.0.1:%d\", labels: {%s}, meshed: true}\n"
                .formatted(member.sidecar().inbound(), labels(member.labels()));
    }

    private static String labels(Map<String, String> labels) {
        return labels.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).collect(Collectors.joining(", "));
    }
}
