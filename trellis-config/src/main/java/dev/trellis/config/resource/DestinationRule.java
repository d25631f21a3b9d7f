package dev.trellis.config.resource;

import dev.trellis.config.Location;
import java.util.List;
import java.util.Objects;

/**
 * Istio's DestinationRule (networking.istio.io), as an Istio user already writes it: the traffic policy of the
 * Service named by {@code spec.host}. It is read into the same {@link DestinationPolicy} a trellis.dev
 * DestinationPolicy is, so both kinds configure callers alike; the rule keeps its own kind for listing and storing.
 *
 * @param policy what the rule says, as a DestinationPolicy with the rule's metadata and location
 */
public record DestinationRule(Metadata metadata, Location location, DestinationPolicy policy) implements Resource {

    public static final String KIND = "DestinationRule";
    /** Istio's versions of the kind, newest first, and Trellis's own group. */
    public static final List<String> API_VERSIONS = List.of("networking.istio.io/v1", "networking.istio.io/v1beta1",
            "networking.istio.io/v1alpha3", Service.API_VERSION);

    public DestinationRule {
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(policy, "policy");
    }

    @Override
    public String kind() {
        return KIND;
    }
}
