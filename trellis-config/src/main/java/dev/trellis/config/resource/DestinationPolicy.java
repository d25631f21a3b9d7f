package dev.trellis.config.resource;

import dev.trellis.config.Location;
import java.util.Objects;

/**
 * How callers treat one Service's instances (trellis.dev/v1alpha1 DestinationPolicy, like Istio's
 * DestinationRule): load balancing, timeouts, circuit breakers, outlier detection, retry budget, health checks.
 *
 * @param target the Service it applies to, in the policy's namespace (a Gateway API LocalPolicyTargetReference)
 */
public record DestinationPolicy(Metadata metadata, Location location, String target, Location targetLocation,
                                TrafficPolicy policy) implements Resource {

    public static final String KIND = "DestinationPolicy";
    public static final String API_VERSION = Service.API_VERSION;

    public DestinationPolicy {
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(targetLocation, "targetLocation");
        Objects.requireNonNull(policy, "policy");
    }

    @Override
    public String kind() {
        return KIND;
    }
}
