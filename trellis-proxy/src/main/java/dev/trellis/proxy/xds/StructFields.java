package dev.trellis.proxy.xds;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;

/**
 * Typed reads of one struct of Trellis filter metadata, each failing as an {@link XdsResourceException} that names
 * the resource and the field ("metadata.filter_metadata.trellis.retry.maxReplayBytes: -1 (expected: ...)").
 */
final class StructFields {
    private final Struct struct;
    private final String type;
    private final String name;
    private final String field;

    /** @param struct null reads as empty */
    StructFields(Struct struct, String type, String name, String field) {
        this.struct = struct == null ? Struct.getDefaultInstance() : struct;
        this.type = type;
        this.name = name;
        this.field = field;
    }

    boolean has(String key) {
        return struct.containsFields(key);
    }

    boolean bool(String key, boolean fallback) {
        Value v = struct.getFieldsOrDefault(key, null);
        if (v == null) {
            return fallback;
        }
        if (v.getKindCase() != Value.KindCase.BOOL_VALUE) {
            throw invalid(key, v, "true or false");
        }
        return v.getBoolValue();
    }

    double number(String key, double fallback, double min, double max) {
        Value v = struct.getFieldsOrDefault(key, null);
        if (v == null) {
            return fallback;
        }
        if (v.getKindCase() != Value.KindCase.NUMBER_VALUE || !(v.getNumberValue() >= min && v.getNumberValue() <= max)) {
            throw invalid(key, v, "a number " + plain(min) + ".." + plain(max));
        }
        return v.getNumberValue();
    }

    int integer(String key, int fallback, int min, int max) {
        Value v = struct.getFieldsOrDefault(key, null);
        if (v == null) {
            return fallback;
        }
        double d = v.getNumberValue();
        if (v.getKindCase() != Value.KindCase.NUMBER_VALUE || d != Math.rint(d) || d < min || d > max) {
            throw invalid(key, v, "an integer " + min + ".." + max);
        }
        return (int) d;
    }

    String string(String key) {
        Value v = struct.getFieldsOrDefault(key, null);
        if (v == null) {
            return null;
        }
        if (v.getKindCase() != Value.KindCase.STRING_VALUE) {
            throw invalid(key, v, "a string");
        }
        return v.getStringValue();
    }

    XdsResourceException invalid(String key, Value v, String expected) {
        String shown = switch (v.getKindCase()) {
            case NUMBER_VALUE -> plain(v.getNumberValue());
            case STRING_VALUE -> "\"" + v.getStringValue() + "\"";
            case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
            default -> v.getKindCase().name().toLowerCase(java.util.Locale.ROOT);
        };
        return new XdsResourceException(type, name, field + "." + key + ": " + shown + " (expected: " + expected + ")");
    }

    private static String plain(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
