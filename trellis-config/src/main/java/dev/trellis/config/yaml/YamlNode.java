package dev.trellis.config.yaml;

import dev.trellis.config.Location;
import java.util.List;
import java.util.Map;

/** A YAML value that remembers where it was written, so every error can name its file and line. */
public sealed interface YamlNode permits YamlNode.Mapping, YamlNode.Sequence, YamlNode.Scalar {

    Location location();

    /** What kind of value this is, in words for error messages. */
    String describe();

    /** @param fields in file order */
    record Mapping(Location location, Map<String, Field> fields) implements YamlNode {
        public Mapping {
            fields = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(fields));
        }

        @Override
        public String describe() {
            return "a mapping";
        }
    }

    /** A key and its value; the key's own location is where an unknown field is reported. */
    record Field(String key, Location keyLocation, YamlNode value) {}

    record Sequence(Location location, List<YamlNode> items) implements YamlNode {
        public Sequence {
            items = List.copyOf(items);
        }

        @Override
        public String describe() {
            return "a list";
        }
    }

    /** @param text the scalar as written (null for a YAML null) */
    record Scalar(Location location, String text, ScalarType type) implements YamlNode {
        @Override
        public String describe() {
            return type == ScalarType.NULL ? "null" : type == ScalarType.STRING ? "\"" + text + "\"" : text;
        }
    }

    enum ScalarType { STRING, INTEGER, DECIMAL, BOOLEAN, NULL }
}
