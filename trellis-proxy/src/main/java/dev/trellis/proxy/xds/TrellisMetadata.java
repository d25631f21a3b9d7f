package dev.trellis.proxy.xds;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.trellis.config.xds.XdsNames;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads Trellis's filter metadata (namespace "trellis") from any xDS resource. */
final class TrellisMetadata {
    private TrellisMetadata() {}

    static Struct of(Metadata metadata) {
        return metadata.getFilterMetadataOrDefault(XdsNames.METADATA_NAMESPACE, Struct.getDefaultInstance());
    }

    /** The string at {@code key}, or null when absent or not a string. */
    static String string(Metadata metadata, String key) {
        Value v = of(metadata).getFieldsOrDefault(key, null);
        return v != null && v.getKindCase() == Value.KindCase.STRING_VALUE ? v.getStringValue() : null;
    }

    static boolean bool(Metadata metadata, String key) {
        Value v = of(metadata).getFieldsOrDefault(key, null);
        return v != null && v.getKindCase() == Value.KindCase.BOOL_VALUE && v.getBoolValue();
    }

    /** The nested struct at {@code key}, or null when absent or not a struct. */
    static Struct struct(Metadata metadata, String key) {
        Value v = of(metadata).getFieldsOrDefault(key, null);
        return v != null && v.getKindCase() == Value.KindCase.STRUCT_VALUE ? v.getStructValue() : null;
    }

    /** A nested struct of scalars as strings (numbers as written by protobuf, e.g. "1.0"). */
    static Map<String, String> strings(Metadata metadata, String key) {
        Value v = of(metadata).getFieldsOrDefault(key, null);
        if (v == null || v.getKindCase() != Value.KindCase.STRUCT_VALUE) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        v.getStructValue().getFieldsMap().forEach((k, value) -> {
            switch (value.getKindCase()) {
                case STRING_VALUE -> out.put(k, value.getStringValue());
                case BOOL_VALUE -> out.put(k, Boolean.toString(value.getBoolValue()));
                case NUMBER_VALUE -> out.put(k, Double.toString(value.getNumberValue()));
                default -> { }
            }
        });
        return out;
    }
}
