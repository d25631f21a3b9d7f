package dev.trellis.config.resource;

import dev.trellis.config.Location;
import java.util.Objects;

/**
 * A Gateway API RequestMirror filter: a copy of each request (or of a fraction of them) also goes to another Service,
 * whose responses are discarded.
 *
 * @param name        the Service the copies go to
 * @param namespace   its namespace (the route's when the reference does not say)
 * @param port        the port the reference names, or null
 * @param numerator   the mirrored fraction's numerator, 0..denominator
 * @param denominator the mirrored fraction's denominator, &gt; 0 (100 for a percent)
 * @param field       the backendRef's path in the resource, for errors
 * @param location    where the backendRef is
 */
public record RequestMirror(String name, String namespace, Integer port, int numerator, int denominator, String field,
                            Location location) {
    public RequestMirror {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(namespace, "namespace");
        if (denominator <= 0 || numerator < 0 || numerator > denominator) {
            throw new IllegalArgumentException("fraction " + numerator + "/" + denominator + " (expected: 0 <= numerator <= denominator, denominator > 0)");
        }
    }

    /** Every request is mirrored. */
    public boolean always() {
        return numerator == denominator;
    }
}
