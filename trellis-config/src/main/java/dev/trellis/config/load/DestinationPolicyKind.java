package dev.trellis.config.load;

import dev.trellis.config.ConfigProblem;
import dev.trellis.config.Location;
import dev.trellis.config.ResourceSet;
import dev.trellis.config.resource.DestinationPolicy;
import dev.trellis.config.resource.DestinationRule;
import dev.trellis.config.resource.Metadata;
import dev.trellis.config.resource.Protocol;
import dev.trellis.config.resource.Resource;
import dev.trellis.config.resource.Service;
import dev.trellis.config.resource.TrafficPolicy;
import dev.trellis.config.yaml.Fields;
import java.util.List;
import java.util.Optional;

/** Reads trellis.dev/v1alpha1 DestinationPolicy and checks its target. */
public final class DestinationPolicyKind implements ResourceKind<DestinationPolicy> {

    @Override
    public String kind() {
        return DestinationPolicy.KIND;
    }

    @Override
    public List<String> apiVersions() {
        return List.of(DestinationPolicy.API_VERSION);
    }

    @Override
    public Class<DestinationPolicy> type() {
        return DestinationPolicy.class;
    }

    @Override
    public DestinationPolicy read(Metadata metadata, Location location, Fields document) {
        Fields spec = document.object("spec", "targetRef", "loadBalancer", "connectTimeout", "idleTimeout",
                "circuitBreakers", "outlierDetection", "retryBudget", "healthCheck");
        spec.node("targetRef"); // required
        Fields target = spec.object("targetRef", "group", "kind", "name");
        if (target.has("group") && !target.text("group").isEmpty() && !target.text("group").equals("core")) {
            throw target.invalid("group", "\"\" (the core group of Service)");
        }
        if (!target.string("kind").equals(Service.KIND)) {
            throw target.invalid("kind", Service.KIND);
        }
        String name = target.string("name");
        return new DestinationPolicy(metadata, location, name, target.locationOf("name"), TrafficPolicyReader.read(spec));
    }

    @Override
    public void check(DestinationPolicy policy, ResourceSet all, List<ConfigProblem> problems) {
        checkTarget(policy, "spec.targetRef.name", all, problems);
    }

    /**
     * The checks a DestinationPolicy and a DestinationRule share: the Service exists, no other policy of either kind
     * targets it, and a tcp Service gets no HTTP health check.
     *
     * @param field how the resource names its target, for the messages
     */
    static void checkTarget(DestinationPolicy policy, String field, ResourceSet all, List<ConfigProblem> problems) {
        Optional<Service> service = all.service(policy.namespace(), policy.target());
        if (service.isEmpty()) {
            problems.add(new ConfigProblem(policy.targetLocation(), field + ": " + policy.target()
                    + " (expected: an existing Service; none named " + policy.target() + " in namespace " + policy.namespace() + ")"));
            return;
        }
        for (Resource r : all.resources()) {
            DestinationPolicy other = r instanceof DestinationRule d ? d.policy() : r instanceof DestinationPolicy p ? p : null;
            if (other == policy) {
                break; // report a clash once, at the later policy
            }
            if (other != null && other.namespace().equals(policy.namespace()) && other.target().equals(policy.target())) {
                problems.add(new ConfigProblem(policy.targetLocation(), field + ": " + policy.target()
                        + " (expected: one DestinationPolicy or DestinationRule per Service; " + r.kind() + " " + other.namespace()
                        + "/" + other.name() + " at " + other.location() + " targets it too)"));
            }
        }
        if (service.get().protocol() == Protocol.TCP && policy.policy().healthCheck() != null) {
            problems.add(new ConfigProblem(policy.location(), "spec.healthCheck: set for tcp Service " + policy.target()
                    + " (expected: none; health checks are HTTP requests)"));
        }
    }

    /** The policy of a Service: its DestinationPolicy's or DestinationRule's, else the defaults. */
    public static TrafficPolicy policyOf(ResourceSet all, Service service) {
        return all.destinationPolicies().stream()
                .filter(p -> p.namespace().equals(service.namespace()) && p.target().equals(service.name()))
                .findFirst()
                .map(DestinationPolicy::policy)
                .orElse(TrafficPolicy.DEFAULT);
    }
}
