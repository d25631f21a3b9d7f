package dev.trellis.config;

import dev.trellis.config.resource.DestinationPolicy;
import dev.trellis.config.resource.DestinationRule;
import dev.trellis.config.resource.GrpcRoute;
import dev.trellis.config.resource.HttpRoute;
import dev.trellis.config.resource.Resource;
import dev.trellis.config.resource.Service;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** A validated, immutable set of resources, in the order they were read (files by name, then documents). */
public record ResourceSet(List<Resource> resources) {
    public static final ResourceSet EMPTY = new ResourceSet(List.of());

    public ResourceSet {
        resources = List.copyOf(resources);
    }

    public <R extends Resource> List<R> ofType(Class<R> type) {
        return resources.stream().filter(type::isInstance).map(type::cast).toList();
    }

    public List<Service> services() {
        return ofType(Service.class);
    }

    /** Every route as an HTTPRoute: HTTPRoutes, and GRPCRoutes as the path matches they stand for, in reading order. */
    public List<HttpRoute> httpRoutes() {
        return ofTypeOrAs(HttpRoute.class, GrpcRoute.class, GrpcRoute::route);
    }

    /** Every Service's traffic policy as written: DestinationPolicies and Istio DestinationRules, in reading order. */
    public List<DestinationPolicy> destinationPolicies() {
        return ofTypeOrAs(DestinationPolicy.class, DestinationRule.class, DestinationRule::policy);
    }

    /** The resources of {@code type}, and those of {@code other} read as one, in reading order. */
    private <T extends Resource, O extends Resource> List<T> ofTypeOrAs(Class<T> type, Class<O> other, Function<O, T> as) {
        List<T> out = new ArrayList<>();
        for (Resource r : resources) {
            if (type.isInstance(r)) {
                out.add(type.cast(r));
            } else if (other.isInstance(r)) {
                out.add(as.apply(other.cast(r)));
            }
        }
        return List.copyOf(out);
    }

    public Optional<Service> service(String namespace, String name) {
        return services().stream()
                .filter(s -> s.namespace().equals(namespace) && s.name().equals(name))
                .findFirst();
    }
}
