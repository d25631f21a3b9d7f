package dev.trellis.controlplane.xds;

import io.envoyproxy.controlplane.cache.Resources;
import java.util.Map;

/** xDS type URLs by the short names the proxy's versions use ("clusters", ...). */
public final class TypeNames {
    private static final Map<String, String> SHORT = Map.of(
            Resources.V3.LISTENER_TYPE_URL, "listeners",
            Resources.V3.ROUTE_TYPE_URL, "routes",
            Resources.V3.CLUSTER_TYPE_URL, "clusters",
            Resources.V3.ENDPOINT_TYPE_URL, "endpoints",
            Resources.V3.SECRET_TYPE_URL, "secrets");

    private TypeNames() {}

    public static String shortName(String typeUrl) {
        return SHORT.getOrDefault(typeUrl, typeUrl);
    }
}
