package dev.trellis.config.yaml;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.trellis.config.ConfigException;
import dev.trellis.config.Location;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses multi-document YAML ('---' separated) into {@link YamlNode} trees that keep line and column of
 * every key and value. A streaming pass, because Jackson's own tree forgets locations.
 */
public final class YamlDocuments {
    private static final YAMLFactory FACTORY = YAMLFactory.builder().build();

    private final String file;
    private final JsonParser parser;

    private YamlDocuments(String file, JsonParser parser) {
        this.file = file;
        this.parser = parser;
    }

    /**
     * @param file    the name used in error messages
     * @return the non-empty documents, in order
     */
    public static List<YamlNode> parse(String file, String content) {
        try (JsonParser parser = FACTORY.createParser(new StringReader(content))) {
            return new YamlDocuments(file, parser).readAll();
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            int line = at == null ? 1 : Math.max(1, at.getLineNr());
            int column = at == null ? 1 : Math.max(1, at.getColumnNr());
            throw new ConfigException(new Location(file, line, column), "invalid YAML: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ConfigException(new Location(file, 1, 1), "cannot read: " + e.getMessage());
        }
    }

    private List<YamlNode> readAll() throws IOException {
        List<YamlNode> documents = new ArrayList<>();
        for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
            YamlNode node = read(token);
            // an empty document ("---" followed by nothing) reads as null or as an empty string
            boolean empty = node instanceof YamlNode.Scalar s && (s.text() == null || s.text().isEmpty());
            if (!empty) {
                documents.add(node);
            }
        }
        return documents;
    }

    private YamlNode read(JsonToken token) throws IOException {
        Location at = here();
        switch (token) {
            case START_OBJECT -> {
                Map<String, YamlNode.Field> fields = new LinkedHashMap<>();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
                    String key = parser.currentName();
                    Location keyAt = here();
                    YamlNode value = read(parser.nextToken());
                    if (fields.containsKey(key)) {
                        throw new ConfigException(keyAt, key + ": duplicate key (first at line "
                                + fields.get(key).keyLocation().line() + ")");
                    }
                    fields.put(key, new YamlNode.Field(key, keyAt, value));
                }
                return new YamlNode.Mapping(at, fields);
            }
            case START_ARRAY -> {
                List<YamlNode> items = new ArrayList<>();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
                    items.add(read(t));
                }
                return new YamlNode.Sequence(at, items);
            }
            case VALUE_STRING -> {
                return new YamlNode.Scalar(at, parser.getText(), YamlNode.ScalarType.STRING);
            }
            case VALUE_NUMBER_INT -> {
                return new YamlNode.Scalar(at, parser.getText(), YamlNode.ScalarType.INTEGER);
            }
            case VALUE_NUMBER_FLOAT -> {
                return new YamlNode.Scalar(at, parser.getText(), YamlNode.ScalarType.DECIMAL);
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return new YamlNode.Scalar(at, token == JsonToken.VALUE_TRUE ? "true" : "false", YamlNode.ScalarType.BOOLEAN);
            }
            case VALUE_NULL -> {
                return new YamlNode.Scalar(at, null, YamlNode.ScalarType.NULL);
            }
            default -> throw new ConfigException(at, "unsupported YAML construct: " + token);
        }
    }

    private Location here() {
        JsonLocation l = parser.currentTokenLocation();
        return new Location(file, Math.max(1, l.getLineNr()), Math.max(1, l.getColumnNr()));
    }
}
