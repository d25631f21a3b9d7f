package dev.trellis.config.xds;

import dev.trellis.config.ResourceSet;
import dev.trellis.config.dns.ResolvedHosts;
import dev.trellis.config.load.AuthorizationPolicyKind;
import dev.trellis.config.load.DestinationPolicyKind;
import dev.trellis.config.load.PeerAuthenticationKind;
import dev.trellis.config.load.TelemetryKind;
import dev.trellis.config.resource.PeerAuthentication.MtlsMode;
import dev.trellis.config.resource.Service;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Translates validated resources into the xDS resources one proxy needs. The same translation runs in
 * the control plane (per connected proxy) and inside a standalone proxy, so both modes share one set of
 * semantics. Output order is deterministic (Services by namespace, then name).
 */
public final class XdsTranslator {
    private XdsTranslator() {}

    public static XdsResources translate(ResourceSet resources, ProxyNode node) {
        return translate(resources, node, List.of());
    }

    /** @param registered instances known from outside the YAML, matched by Service selectors */
    public static XdsResources translate(ResourceSet resources, ProxyNode node, List<Instance> registered) {
        return translate(resources, node, registered, ResolvedHosts.NONE);
    }

    /**
     * @param registered instances known from outside the YAML, matched by Service selectors
     * @param dns        addresses of endpoint hosts that are DNS names (unresolved names stay as they are)
     */
    public static XdsResources translate(ResourceSet resources, ProxyNode node, List<Instance> registered, ResolvedHosts dns) {
        List<Service> services = resources.services().stream()
                .sorted(Comparator.comparing(Service::namespace).thenComparing(Service::name))
                .toList();
        Optional<Service> own = resources.service(node.namespace(), node.serviceName());
        MtlsMode ownMode = PeerAuthenticationKind.modeOf(resources, node.namespace(), node.serviceName());
        return new XdsResources(
                ListenerTranslator.translate(services, node, own, ownMode,
                        AuthorizationPolicyKind.policiesOf(resources, node.namespace(), node.serviceName()),
                        TelemetryKind.settingsOf(resources, node.namespace(), node.serviceName())),
                RouteTranslator.translate(resources, services, node, own),
                ClusterTranslator.translate(services, node, own, s -> DestinationPolicyKind.policyOf(resources, s),
                        s -> PeerAuthenticationKind.modeOf(resources, s.namespace(), s.name())),
                EndpointTranslator.translate(services, registered, dns));
    }
}
