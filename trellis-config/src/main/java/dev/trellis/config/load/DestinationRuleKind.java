package dev.trellis.config.load;

import dev.trellis.config.ConfigProblem;
import dev.trellis.config.Location;
import dev.trellis.config.ResourceSet;
import dev.trellis.config.resource.DestinationPolicy;
import dev.trellis.config.resource.DestinationRule;
import dev.trellis.config.resource.Metadata;
import dev.trellis.config.resource.TrafficPolicy;
import dev.trellis.config.yaml.Fields;
import java.util.List;

/**
 * Reads Istio's DestinationRule: {@code spec.host} names a Service of the rule's namespace, {@code spec.trafficPolicy}
 * sets what a DestinationPolicy sets (see {@link IstioTrafficPolicyReader}). What Trellis does another way is refused
 * by name with the way: subsets (a Service per version, split by an HTTPRoute), TLS settings (PeerAuthentication).
 */
public final class DestinationRuleKind implements ResourceKind<DestinationRule> {
    private static final String HOST_FORMS = "a Service of the rule's namespace: NAME, NAME.NAMESPACE or NAME.NAMESPACE.svc.DOMAIN";

    @Override
    public String kind() {
        return DestinationRule.KIND;
    }

    @Override
    public List<String> apiVersions() {
        return DestinationRule.API_VERSIONS;
    }

    @Override
    public Class<DestinationRule> type() {
        return DestinationRule.class;
    }

    @Override
    public DestinationRule read(Metadata metadata, Location location, Fields document) {
        Fields spec = document.object("spec", "host", "trafficPolicy", "subsets", "exportTo", "workloadSelector");
        if (spec.has("subsets")) {
            throw spec.error("subsets", "not supported (expected: a Service per version, e.g. with selector {app: catalog, "
                    + "version: v2}, and an HTTPRoute whose backendRefs split traffic between them)");
        }
        if (spec.has("exportTo")) {
            throw spec.error("exportTo", "not supported (expected: none; a rule applies to every caller in the mesh)");
        }
        if (spec.has("workloadSelector")) {
            throw spec.error("workloadSelector", "not supported (expected: none; a rule applies to every caller in the mesh)");
        }
        String service = service(spec, metadata.namespace());
        TrafficPolicy policy = spec.has("trafficPolicy") ? IstioTrafficPolicyReader.read(spec) : TrafficPolicy.DEFAULT;
        return new DestinationRule(metadata, location, new DestinationPolicy(metadata, location, service, spec.locationOf("host"), policy));
    }

    /** The Service name in {@code spec.host}: short, namespace-qualified or the cluster-local FQDN, as Istio takes it. */
    private static String service(Fields spec, String namespace) {
        String host = spec.string("host");
        String[] labels = host.split("\\.", -1);
        boolean wellFormed = !host.isEmpty() && !host.contains("*") && ResourceKind.NameRule.DNS_SUBDOMAIN.accepts(host)
                && (labels.length <= 2 || labels.length >= 4 && labels[2].equals("svc"));
        if (!wellFormed) {
            throw spec.invalid("host", HOST_FORMS);
        }
        if (labels.length > 1 && !labels[1].equals(namespace)) {
            throw spec.invalid("host", "a Service of the rule's namespace " + namespace + ": NAME, NAME." + namespace
                    + " or NAME." + namespace + ".svc.DOMAIN");
        }
        return labels[0];
    }

    @Override
    public void check(DestinationRule rule, ResourceSet all, List<ConfigProblem> problems) {
        DestinationPolicyKind.checkTarget(rule.policy(), "spec.host", all, problems);
    }
}
