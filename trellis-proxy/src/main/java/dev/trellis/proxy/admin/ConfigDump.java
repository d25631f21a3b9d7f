package dev.trellis.proxy.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trellis.proxy.ProxyOptions;
import dev.trellis.proxy.config.ProxySnapshot;
import java.time.Duration;
import java.util.regex.Pattern;

/** Renders the configuration in force as JSON: identity, xDS versions and every resource. */
public final class ConfigDump {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .registerModule(new com.fasterxml.jackson.databind.module.SimpleModule()
                    .addSerializer(Duration.class, new com.fasterxml.jackson.databind.ser.std.ToStringSerializer())
                    .addSerializer(Pattern.class, new com.fasterxml.jackson.databind.ser.std.ToStringSerializer()));

    private ConfigDump() {
    }

    public static String render(ProxyOptions options, ProxySnapshot snapshot, String source) {
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
        }
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (Exception e) {
            return "{\"error\":\"" + e.getMessage() + "\"}\n";
        }
    }
}
