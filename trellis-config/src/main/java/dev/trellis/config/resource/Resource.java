package dev.trellis.config.resource;

import dev.trellis.config.Location;

/** A user-facing configuration resource (apiVersion/kind/metadata/spec). */
public interface Resource {
    /** As written in YAML, e.g. "HTTPRoute". */
    String kind();

    Metadata metadata();

    /** Where the resource's document starts. */
    Location location();

    default String name() {
        return metadata().name();
    }

    default String namespace() {
        return metadata().namespace();
    }
}
