package dev.trellis.config.xds;

import dev.trellis.config.resource.Metadata;
import java.util.Objects;

/**
 * The proxy a configuration is translated for.
 *
 * @param serviceName the Service this proxy's application is an instance of
 * @param namespace   its namespace ("default" when null)
 * @param appPort     where the application listens on 127.0.0.1; 0 when there is none (a client only
 *                    proxy gets no inbound listener)
 */
public record ProxyNode(String serviceName, String namespace, int appPort) {
    public ProxyNode {
        Objects.requireNonNull(serviceName, "serviceName");
        namespace = namespace == null ? Metadata.DEFAULT_NAMESPACE : namespace;
        if (appPort < 0 || appPort > 65535) {
            throw new IllegalArgumentException("appPort: " + appPort + " (expected: 0..65535)");
        }
    }

    public static ProxyNode of(String serviceName, int appPort) {
        return new ProxyNode(serviceName, Metadata.DEFAULT_NAMESPACE, appPort);
    }
}
