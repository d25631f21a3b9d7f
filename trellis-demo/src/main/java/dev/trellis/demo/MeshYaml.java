package dev.trellis.demo;

import dev.trellis.demo.app.AppKind;
import dev.trellis.demo.app.AppSpec;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Writes the demo mesh's configuration: one Service per member and a "catalog" Service whose HTTPRoute splits
 * traffic between the catalog-v1 and catalog-v2 Services. Standalone, each Service lists its instance (its
 * sidecar's inbound port, {@code meshed: true}: sidecars talk multiplexed HTTP/2 to it); with a control plane,
 * each Service selects by label the instances its sidecars register.
 */
public final class MeshYaml {
    static final int CATALOG_V1_WEIGHT = 80;
    static final int CATALOG_V2_WEIGHT = 20;
    static final String ROUTE_NAME = "catalog-split";

    private MeshYaml() {}

    /** The standalone mesh: static endpoints, split 80/20. */
    public static String render(MeshPlan plan) {
        StringBuilder yaml = new StringBuilder()
                .append("# The Trellis demo mesh, written by `trellis demo`.\n")
                .append("# Every endpoint is the inbound port of the instance's sidecar.\n");
        for (MeshPlan.Member member : plan.members()) {
            service(yaml, member.service(), protocol(member), endpoint(member));
        }
        service(yaml, "catalog", "http", "");
        yaml.append(catalogRoute(CATALOG_V2_WEIGHT));
        return yaml.toString();
    }

    /** The Services for the control plane: each selects the registered instances carrying its member's labels. */
    public static String services(MeshPlan plan) {
        StringBuilder yaml = new StringBuilder()
                .append("# The Trellis demo mesh's Services, written by `trellis demo`.\n")
                .append("# Each selects the instances its sidecars register with the control plane.\n");
        for (MeshPlan.Member member : plan.members()) {
            service(yaml, member.service(), protocol(member), selector(member));
        }
        service(yaml, "catalog", "http", "");
        return yaml.toString();
    }

    /** The HTTPRoute of the "catalog" Service sending {@code v2Percent}% to catalog-v2, the rest to catalog-v1. */
    public static String catalogRoute(int v2Percent) {
        if (v2Percent < 0 || v2Percent > 100) {
            throw new IllegalArgumentException("v2Percent: " + v2Percent + " (expected: 0..100)");
        }
        return """
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: %s, namespace: default}
                spec:
                  parentRefs: [{kind: Service, name: catalog}]
                  rules:
                    - backendRefs: [{name: catalog-v1, weight: %d}, {name: catalog-v2, weight: %d}]
                      timeouts: {request: 2s}
                """.formatted(ROUTE_NAME, 100 - v2Percent, v2Percent);
    }

    private static void service(StringBuilder yaml, String name, String protocol, String tail) {
        yaml.append("""
                ---
                apiVersion: trellis.dev/v1alpha1
                kind: Service
                metadata: {name: %s, namespace: default}
                spec:
                  protocol: %s
                  port: %d
                """.formatted(name, protocol, MeshPlan.SERVICE_PORT));
        yaml.append(tail);
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

    private static String selector(MeshPlan.Member member) {
        if (member.app().isEmpty()) {
            return "";
        }
        return "  selector: {%s}\n".formatted(labels(member.labels()));
    }

    private static String labels(Map<String, String> labels) {
        return labels.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).collect(Collectors.joining(", "));
    }
}
