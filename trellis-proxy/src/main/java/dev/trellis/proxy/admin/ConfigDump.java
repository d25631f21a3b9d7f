package dev.trellis.proxy.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trellis.proxy.ProxyOptions;
import dev.trellis.proxy.config.ProxySnapshot;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** Renders the configuration in force as JSON: identity, xDS versions and every resource. */
public final class ConfigDump {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .registerModule(new com.fasterxml.jackson.databind.module.SimpleModule()
                    .addSerializer(Duration.class, new com.fasterxml.jackson.databind.ser.std.ToStringSerializer())
                    .addSerializer(Pattern.class, new com.fasterxml.jackson.databind.ser.std.ToStringSerializer())
                    .addSerializer(Optional.class, new OptionalSerializer()));

    private ConfigDump() {
    }

    /** An Optional as its value, or null (e.g. a listener's access log); Jackson refuses Optionals without a module. */
    @SuppressWarnings("rawtypes")
    private static final class OptionalSerializer extends com.fasterxml.jackson.databind.ser.std.StdSerializer<Optional> {
        OptionalSerializer() {
            super(Optional.class);
        }

        @Override
        public void serialize(Optional value, com.fasterxml.jackson.core.JsonGenerator gen,
                              com.fasterxml.jackson.databind.SerializerProvider provider) throws IOException {
            if (value.isPresent()) {
                provider.defaultSerializeValue(value.get(), gen);
            } else {
                gen.writeNull();
            }
        }
    }

    public static String render(ProxyOptions options, ProxySnapshot snapshot, String source) {
        return render(options, snapshot, source, Map.of());
    }

    /** @param endpointHealth per cluster, each endpoint's active health check state (clusters with checks only) */
    public static String render(ProxyOptions options, ProxySnapshot snapshot, String source,
                                Map<String, Map<String, String>> endpointHealth) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode node = root.putObject("node");
        node.put("service", options.service());
        node.put("namespace", options.namespace());
        node.put("appPort", options.appPort());
        node.put("configSource", source);
        root.set("versions", JSON.valueToTree(snapshot == null ? java.util.Map.of() : snapshot.versions()));
        if (snapshot != null) {
            root.set("listeners", JSON.valueToTree(snapshot.listeners()));
            root.set("routeTables", JSON.valueToTree(snapshot.routeTables()));
            root.set("clusters", JSON.valueToTree(snapshot.clusters()));
            root.set("endpoints", JSON.valueToTree(snapshot.endpoints()));
            root.set("endpointHealth", JSON.valueToTree(endpointHealth));
        }
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (Exception e) {
            return "{\"error\":\"" + e.getMessage() + "\"}\n";
        }
    }
}
