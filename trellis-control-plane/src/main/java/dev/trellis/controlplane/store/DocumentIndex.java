package dev.trellis.controlplane.store;

import dev.trellis.config.ConfigException;
import dev.trellis.config.Location;
import dev.trellis.config.resource.Metadata;
import dev.trellis.config.yaml.YamlDocuments;
import dev.trellis.config.yaml.YamlNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds which file and document defines each resource, reading only kind and metadata (full validation
 * is the loader's job). Documents that cannot be read are skipped: the loader reports them.
 */
final class DocumentIndex {
    private DocumentIndex() {}

    /** @param files contents by file name */
    static Map<ResourceKey, StoredDocument> of(Map<String, String> files) {
        Map<ResourceKey, StoredDocument> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> file : files.entrySet()) {
            List<YamlSegments.Segment> segments = YamlSegments.split(file.getValue());
            for (int i = 0; i < segments.size(); i++) {
                YamlSegments.Segment s = segments.get(i);
                if (s.blank()) {
                    continue;
                }
                try {
                    Optional<ResourceKey> key = keyOf(file.getKey(), s.text());
                    if (key.isPresent()) {
                        out.putIfAbsent(key.get(), new StoredDocument(key.get(), file.getKey(), i, s.firstLine(), s.text()));
                    }
                } catch (ConfigException e) {
                    // reported by the loader, with its line
                }
            }
        }
        return out;
    }

    /**
     * The identity one document declares.
     *
     * @return empty when kind or metadata.name is missing
     * @throws ConfigException when the text is not YAML or holds several documents
     */
    static Optional<ResourceKey> keyOf(String file, String text) {
        List<YamlNode> docs = YamlDocuments.parse(file, text);
        if (docs.isEmpty()) {
            return Optional.empty();
        }
        if (docs.size() > 1) {
            throw new ConfigException(docs.get(1).location(), "a second document (expected: documents separated by a line '---')");
        }
        if (!(docs.get(0) instanceof YamlNode.Mapping top)) {
            throw new ConfigException(docs.get(0).location(), "document: " + docs.get(0).describe() + " (expected: a mapping)");
        }
        String kind = scalar(top, "kind");
        YamlNode.Field metadata = top.fields().get("metadata");
        if (kind == null || metadata == null || !(metadata.value() instanceof YamlNode.Mapping meta)) {
            return Optional.empty();
        }
        String name = scalar(meta, "name");
        if (name == null) {
            return Optional.empty();
        }
        String namespace = scalar(meta, "namespace");
        return Optional.of(new ResourceKey(kind, namespace == null ? Metadata.DEFAULT_NAMESPACE : namespace, name));
    }

    private static String scalar(YamlNode.Mapping m, String key) {
        YamlNode.Field f = m.fields().get(key);
        return f != null && f.value() instanceof YamlNode.Scalar s ? s.text() : null;
    }

    static Location shift(Location l, String file, int firstLine) {
        return new Location(file, l.line() + firstLine - 1, l.column());
    }
}
