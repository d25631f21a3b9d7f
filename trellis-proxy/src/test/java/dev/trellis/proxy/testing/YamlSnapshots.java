package dev.trellis.proxy.testing;

import dev.trellis.config.ConfigLoader;
import dev.trellis.config.xds.ProxyNode;
import dev.trellis.config.xds.XdsTranslator;
import dev.trellis.proxy.config.ProxySnapshot;
import dev.trellis.proxy.xds.XdsDecoder;
import java.util.Map;

/** Mesh YAML as a proxy receives it: loaded, translated to xDS for one node, and decoded, as in production. */
public final class YamlSnapshots {
    private YamlSnapshots() {}

    /** The snapshot of a client-only sidecar of {@code service}. */
    public static ProxySnapshot of(String yaml, String service) {
        return XdsDecoder.decode(XdsTranslator.translate(ConfigLoader.standard().parse("mesh.yaml", yaml), ProxyNode.of(service, 0)),
                Map.of());
    }

    /**
     * A Service "catalog" whose one endpoint is the app on {@code appPort}, routed by an HTTPRoute with these rules.
     *
     * @param rules the items of {@code spec.rules}, each starting with "- " at the left margin
     */
    public static String catalogRoute(int appPort, String rules) {
        return """
                apiVersion: trellis.dev/v1alpha1
                kind: Service
                metadata: {name: catalog}
                spec: {port: 8080, endpoints: [{address: "127.0.0.1:%d"}]}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: catalog}
                spec:
                  parentRefs: [{kind: Service, name: catalog}]
                  rules:
                """.formatted(appPort) + rules.indent(4);
    }

    /** A gRPC Service whose one endpoint is the server on {@code port}, as a document ending in "---". */
    public static String grpcService(String name, int port) {
        return """
                apiVersion: trellis.dev/v1alpha1
                kind: Service
                metadata: {name: %s}
                spec: {protocol: grpc, port: 9090, endpoints: [{address: "127.0.0.1:%d"}]}
                ---
                """.formatted(name, port);
    }
}
