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
}
