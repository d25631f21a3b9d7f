package dev.trellis.config;

import java.util.Objects;

/** One reason a configuration was rejected, and where. */
public record ConfigProblem(Location location, String reason) {
    public ConfigProblem {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(reason, "reason");
    }

    /** "routes.yaml:14: spec.rules[0].backendRefs[0].weight: -1 (expected: >= 0)". */
    @Override
    public String toString() {
        return location + ": " + reason;
    }
}
