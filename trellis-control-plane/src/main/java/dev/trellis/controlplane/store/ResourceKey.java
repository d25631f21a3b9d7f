package dev.trellis.controlplane.store;

import dev.trellis.config.resource.Resource;
import java.util.Objects;

/** A resource's identity: kind (as written in YAML), namespace and name. */
public record ResourceKey(String kind, String namespace, String name) {
    public ResourceKey {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
    }

    public static ResourceKey of(Resource r) {
        return new ResourceKey(r.kind(), r.namespace(), r.name());
    }

    /** "HTTPRoute default/catalog-split". */
    @Override
    public String toString() {
        return kind + " " + namespace + "/" + name;
    }
}
