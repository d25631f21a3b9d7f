package dev.trellis.it;

import java.util.ArrayList;
import java.util.List;

/** Mesh resources as YAML documents, for a standalone sidecar's --config file. */
final class MeshYaml {
    private MeshYaml() {}

    /** An HTTP Service with static instances at {@code addresses}. */
    static String service(String name, List<String> addresses) {
        List<String> lines = new ArrayList<>(List.of(
                "apiVersion: trellis.dev/v1alpha1",
                "kind: Service",
                "metadata: {name: " + name + "}",
                "spec:",
                "  protocol: http",
                "  port: 8080",
                "  endpoints:"));
        addresses.forEach(a -> lines.add("    - {address: \"" + a + "\"}"));
        return String.join("\n", lines) + "\n";
    }

    /** A DestinationPolicy for {@code service} whose spec holds {@code specLines} (besides the target). */
    static String destinationPolicy(String service, String... specLines) {
        return String.join("\n",
                "apiVersion: trellis.dev/v1alpha1",
                "kind: DestinationPolicy",
                "metadata: {name: " + service + "}",
                "spec:",
                "  targetRef: {kind: Service, name: " + service + "}",
                "  " + String.join("\n  ", specLines)) + "\n";
    }

    /** An HTTPRoute for {@code service} with one rule to itself; {@code ruleLines} are added to the rule. */
    static String route(String service, String... ruleLines) {
        return String.join("\n",
                "apiVersion: gateway.networking.k8s.io/v1",
                "kind: HTTPRoute",
                "metadata: {name: " + service + "}",
                "spec:",
                "  parentRefs: [{kind: Service, name: " + service + "}]",
                "  rules:",
                "    - backendRefs: [{name: " + service + "}]",
                "      " + String.join("\n      ", ruleLines)) + "\n";
    }

    /** Documents joined into one file. */
    static String of(String... documents) {
        return String.join("---\n", documents);
    }
}
