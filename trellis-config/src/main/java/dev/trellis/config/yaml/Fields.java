package dev.trellis.config.yaml;

import dev.trellis.config.ConfigException;
import dev.trellis.config.Location;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads one YAML mapping as a typed object. Every error names the field's path
 * ({@code spec.rules[0].backendRefs[1].weight}) and the line it is on; a key that is not among the
 * allowed ones is an error at its own line, so a typo is never silently ignored.
 */
public final class Fields {
    private final YamlNode.Mapping node;
    private final String path;
    private final Location anchor;

    private Fields(YamlNode.Mapping node, String path, Location anchor) {
        this.node = node;
        this.path = path;
        this.anchor = anchor;
    }

    /**
     * @param path    where this mapping is, "" at the document root
     * @param allowed every key this mapping may have
     */
    public static Fields of(YamlNode value, String path, String... allowed) {
        return of(value, path, value.location(), allowed);
    }

    /** @param anchor where a missing key is reported: the key that introduced this mapping */
    private static Fields of(YamlNode value, String path, Location anchor, String... allowed) {
        if (!(value instanceof YamlNode.Mapping mapping)) {
            throw new ConfigException(value.location(),
                    (path.isEmpty() ? "document" : path) + ": " + value.describe() + " (expected: a mapping)");
        }
        Set<String> known = Set.of(allowed);
        for (YamlNode.Field field : mapping.fields().values()) {
            if (!known.contains(field.key())) {
                String suggestion = Suggestions.closest(field.key(), known);
                throw new ConfigException(field.keyLocation(), join(path, field.key()) + ": unknown field"
                        + (suggestion == null ? " (expected one of: " + String.join(", ", allowed) + ")"
                                              : " (did you mean " + suggestion + "?)"));
            }
        }
        return new Fields(mapping, path, anchor);
    }

    public String path() {
        return path;
    }

    /** The keys present (with a non-null value), in file order. */
    public List<String> keys() {
        return node.fields().keySet().stream().filter(this::has).toList();
    }

    public Location location() {
        return node.location();
    }

    /** The path of a key of this mapping. */
    public String path(String key) {
        return join(path, key);
    }

    /** Where the key's value is; when the key is absent, the line that introduced this mapping. */
    public Location locationOf(String key) {
        YamlNode.Field field = node.fields().get(key);
        return field == null ? anchor : field.value().location();
    }

    /** Present and not null. */
    public boolean has(String key) {
        YamlNode.Field field = node.fields().get(key);
        return field != null && !(field.value() instanceof YamlNode.Scalar s && s.type() == YamlNode.ScalarType.NULL);
    }

    public YamlNode node(String key) {
        if (!has(key)) {
            throw error(key, "missing (required)");
        }
        return node.fields().get(key).value();
    }

    /** "path.key: reason" at the key's value. */
    public ConfigException error(String key, String reason) {
        return new ConfigException(locationOf(key), path(key) + ": " + reason);
    }

    /** "path.key: value (expected: ...)" at the key's value. */
    public ConfigException invalid(String key, String expected) {
        return error(key, node(key).describe() + " (expected: " + expected + ")");
    }

    public String string(String key) {
        YamlNode value = node(key);
        if (!(value instanceof YamlNode.Scalar s) || s.type() != YamlNode.ScalarType.STRING) {
            throw invalid(key, "a string");
        }
        if (s.text().isEmpty()) {
            throw error(key, "\"\" (expected: a non-empty string)");
        }
        return s.text();
    }

    public String string(String key, String fallback) {
        return has(key) ? string(key) : fallback;
    }

    /** Any scalar as text: header values such as {@code 1} or {@code true} are strings to HTTP. */
    public String text(String key) {
        YamlNode value = node(key);
        if (!(value instanceof YamlNode.Scalar s)) {
            throw invalid(key, "a string");
        }
        return s.text();
    }

    public int integer(String key) {
        YamlNode value = node(key);
        if (!(value instanceof YamlNode.Scalar s) || s.type() != YamlNode.ScalarType.INTEGER) {
            throw invalid(key, "an integer");
        }
        try {
            return Integer.parseInt(s.text());
        } catch (NumberFormatException e) {
            throw invalid(key, "an integer that fits 32 bits");
        }
    }

    public int integer(String key, int fallback) {
        return has(key) ? integer(key) : fallback;
    }

    /** An integer in {@code min..max}, or {@code fallback} when absent. */
    public int integer(String key, int fallback, int min, int max) {
        if (!has(key)) {
            return fallback;
        }
        int v = integer(key);
        if (v < min || v > max) {
            throw error(key, v + " (expected: " + range(min, max) + ")");
        }
        return v;
    }

    /** An integer or a decimal number. */
    public double number(String key) {
        YamlNode value = node(key);
        if (!(value instanceof YamlNode.Scalar s)
                || (s.type() != YamlNode.ScalarType.INTEGER && s.type() != YamlNode.ScalarType.DECIMAL)) {
            throw invalid(key, "a number");
        }
        double v;
        try {
            v = Double.parseDouble(s.text());
        } catch (NumberFormatException e) {
            throw invalid(key, "a number");
        }
        if (!Double.isFinite(v)) {
            throw invalid(key, "a finite number");
        }
        return v;
    }

    /** A number in {@code min..max}, or {@code fallback} when absent. */
    public double number(String key, double fallback, double min, double max) {
        if (!has(key)) {
            return fallback;
        }
        double v = number(key);
        if (v < min || v > max) {
            throw error(key, node(key).describe() + " (expected: " + format(min) + ".." + format(max) + ")");
        }
        return v;
    }

    /** A Gateway API duration ("2s", "500ms"), or {@code fallback} when absent; "0s" is zero. */
    public Duration duration(String key, Duration fallback) {
        if (!has(key)) {
            return fallback;
        }
        try {
            return GatewayDuration.parse(text(key));
        } catch (IllegalArgumentException e) {
            throw error(key, e.getMessage());
        }
    }

    /** A Gateway API duration greater than zero, or {@code fallback} when absent. */
    public Duration positiveDuration(String key, Duration fallback) {
        Duration d = duration(key, fallback);
        if (has(key) && d.isZero()) {
            throw error(key, GatewayDuration.format(d) + " (expected: > 0)");
        }
        return d;
    }

    private static String range(long min, long max) {
        if (max == Integer.MAX_VALUE) {
            return min == 1 ? "> 0" : ">= " + min;
        }
        return min + ".." + max;
    }

    private static String format(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    public boolean bool(String key, boolean fallback) {
        if (!has(key)) {
            return fallback;
        }
        YamlNode value = node(key);
        if (!(value instanceof YamlNode.Scalar s) || s.type() != YamlNode.ScalarType.BOOLEAN) {
            throw invalid(key, "true or false");
        }
        return Boolean.parseBoolean(s.text());
    }

    public Fields object(String key, String... allowed) {
        return of(node(key), path(key), node.fields().get(key).keyLocation(), allowed);
    }

    /** The items of a list (empty when absent), each with its path "key[i]". */
    public List<Item> list(String key) {
        if (!has(key)) {
            return List.of();
        }
        YamlNode value = node(key);
        if (!(value instanceof YamlNode.Sequence seq)) {
            throw invalid(key, "a list");
        }
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < seq.items().size(); i++) {
            items.add(new Item(seq.items().get(i), path(key) + "[" + i + "]"));
        }
        return items;
    }

    public List<String> strings(String key) {
        List<String> out = new ArrayList<>();
        for (Item item : list(key)) {
            out.add(item.string());
        }
        return List.copyOf(out);
    }

    /** A mapping of strings to strings, e.g. labels; empty when absent. */
    public Map<String, String> stringMap(String key) {
        if (!has(key)) {
            return Map.of();
        }
        YamlNode value = node(key);
        if (!(value instanceof YamlNode.Mapping mapping)) {
            throw invalid(key, "a mapping of strings");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (YamlNode.Field field : mapping.fields().values()) {
            if (!(field.value() instanceof YamlNode.Scalar s) || s.type() == YamlNode.ScalarType.NULL) {
                throw new ConfigException(field.value().location(), path(key) + "." + field.key() + ": "
                        + field.value().describe() + " (expected: a string)");
            }
            out.put(field.key(), s.text());
        }
        return java.util.Collections.unmodifiableMap(out);
    }

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** One element of a list. */
    public record Item(YamlNode node, String path) {
        public Fields object(String... allowed) {
            return Fields.of(node, path, allowed);
        }

        public String string() {
            if (!(node instanceof YamlNode.Scalar s) || s.type() != YamlNode.ScalarType.STRING || s.text().isEmpty()) {
                throw new ConfigException(node.location(), path + ": " + node.describe() + " (expected: a non-empty string)");
            }
            return s.text();
        }

        public int integer() {
            if (!(node instanceof YamlNode.Scalar s) || s.type() != YamlNode.ScalarType.INTEGER) {
                throw invalid("an integer");
            }
            try {
                return Integer.parseInt(s.text());
            } catch (NumberFormatException e) {
                throw invalid("an integer that fits 32 bits");
            }
        }

        /** A string or a number, as written; for values that may be either ("unavailable" or 14). */
        public String text() {
            if (!(node instanceof YamlNode.Scalar s)
                    || (s.type() != YamlNode.ScalarType.STRING && s.type() != YamlNode.ScalarType.INTEGER)) {
                throw invalid("a string or an integer");
            }
            return s.text();
        }

        /** "path: value (expected: ...)" at this item. */
        public ConfigException invalid(String expected) {
            return new ConfigException(node.location(), path + ": " + node.describe() + " (expected: " + expected + ")");
        }
    }
}
