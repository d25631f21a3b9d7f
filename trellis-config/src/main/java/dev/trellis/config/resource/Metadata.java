package dev.trellis.config.resource;

import java.util.Map;
import java.util.Objects;

/** Kubernetes-style object metadata; the namespace defaults to "default". */
public record Metadata(String name, String namespace, Map<String, String> labels, Map<String, String> annotations) {
    public static final String DEFAULT_NAMESPACE = "default";

    public Metadata {
        Objects.requireNonNull(name, "name");
        namespace = namespace == null ? DEFAULT_NAMESPACE : namespace;
        labels = Map.copyOf(labels);
        annotations = Map.copyOf(annotations);
    }

    public static Metadata of(String name, String namespace) {
        return new Metadata(name, namespace, Map.of(), Map.of());
    }
}
