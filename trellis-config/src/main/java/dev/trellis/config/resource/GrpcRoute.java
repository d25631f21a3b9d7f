package dev.trellis.config.resource;

import dev.trellis.config.Location;
import java.util.Objects;

/**
 * A Gateway API GRPCRoute attached to mesh Services: rules that match gRPC methods (and headers) and pick weighted
 * backends. A gRPC method is the HTTP/2 path {@code /<service>/<method>}, so the route is read into the
 * {@link HttpRoute} whose matches are those paths, and routes like any HTTPRoute; it keeps its own kind for listing
 * and storing.
 *
 * @param route what the GRPCRoute says, as an HTTPRoute with its metadata and location
 */
public record GrpcRoute(Metadata metadata, Location location, HttpRoute route) implements Resource {

    public static final String KIND = "GRPCRoute";

    public GrpcRoute {
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(route, "route");
    }

    @Override
    public String kind() {
        return KIND;
    }
}
