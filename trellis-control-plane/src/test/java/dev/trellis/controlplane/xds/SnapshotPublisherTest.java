package dev.trellis.controlplane.xds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.config.ConfigLoader;
import dev.trellis.config.ResourceSet;
import dev.trellis.config.dns.ResolvedHosts;
import dev.trellis.config.xds.Instance;
import dev.trellis.config.xds.ProxyNode;
import io.envoyproxy.controlplane.cache.Resources.ResourceType;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SnapshotPublisherTest {
    static final String MESH = """
            apiVersion: trellis.dev/v1alpha1
            kind: Service
            metadata: {name: catalog}
            spec:
              port: 8080
              selector: {app: catalog}
            ---
            apiVersion: trellis.dev/v1alpha1
            kind: Service
            metadata: {name: web}
            spec:
              port: 80
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: admin}
            spec:
              parentRefs: [{kind: Service, name: catalog}]
              rules:
                - matches: [{path: {type: PathPrefix, value: /admin}}]
                  backendRefs: [{name: web}]
                - matches: [{path: {type: PathPrefix, value: /old}}]
                  filters: [{type: RequestRedirect, requestRedirect: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /new}}}]
                - backendRefs: [{name: catalog}]
            """;

    final SimpleCache<NodeKey> cache = new SimpleCache<>(NodeKey.group());
    final AtomicReference<ResourceSet> resources = new AtomicReference<>(ConfigLoader.standard().parse("mesh.yaml", MESH));
    final List<Instance> instances = new ArrayList<>();
    final SnapshotPublisher publisher = new SnapshotPublisher(cache, resources::get, () -> List.copyOf(instances));

    final NodeKey catalog = new NodeKey(ProxyNode.of("catalog", 9001));
    final NodeKey web = new NodeKey(ProxyNode.of("web", 9002));

    @AfterEach
    void close() {
        publisher.close();
    }

    private Snapshot snapshot(NodeKey key) {
        return cache.getSnapshot(key);
    }

    private static String version(Snapshot s, ResourceType type) {
        return s.version(type, List.of());
    }

    @Test
    void eachSidecarGroupGetsItsOwnInboundSide() {
        publisher.join(catalog);
        publisher.join(web);

        assertThat(snapshot(catalog).clusters().resources()).containsKey("inbound|9001").doesNotContainKey("inbound|9002");
        assertThat(snapshot(web).clusters().resources()).containsKey("inbound|9002");
        assertThat(version(snapshot(catalog), ResourceType.LISTENER)).isNotEqualTo(version(snapshot(web), ResourceType.LISTENER));
        assertThat(version(snapshot(catalog), ResourceType.ENDPOINT))
                .as("the same mesh endpoints, the same version").isEqualTo(version(snapshot(web), ResourceType.ENDPOINT));
    }

    @Test
    void anEndpointChangeChangesOnlyTheEndpointVersion() {
        publisher.join(catalog);
        Snapshot before = snapshot(catalog);

        instances.add(new Instance("default", "127.0.0.1", 4143, Map.of("app", "catalog"), 1, true));
        publisher.publishAll();
        Snapshot after = snapshot(catalog);

        assertThat(version(after, ResourceType.ENDPOINT)).isNotEqualTo(version(before, ResourceType.ENDPOINT));
        for (ResourceType unchanged : List.of(ResourceType.CLUSTER, ResourceType.LISTENER, ResourceType.ROUTE)) {
            assertThat(version(after, unchanged)).as(unchanged.name()).isEqualTo(version(before, unchanged));
        }
        ClusterLoadAssignment cla = after.endpoints().resources().get("catalog.default");
        assertThat(cla.getEndpoints(0).getLbEndpoints(0).getEndpoint().getAddress().getSocketAddress().getPortValue()).isEqualTo(4143);
    }

    @Test
    void aRouteChangeChangesTheRouteVersionAndNotTheEndpoints() {
        publisher.join(catalog);
        Snapshot before = snapshot(catalog);

        resources.set(ConfigLoader.standard().parse("mesh.yaml", MESH.replace("value: /admin", "value: /internal")));
        publisher.publishAll();

        assertThat(version(snapshot(catalog), ResourceType.ROUTE)).isNotEqualTo(version(before, ResourceType.ROUTE));
        assertThat(version(snapshot(catalog), ResourceType.ENDPOINT)).isEqualTo(version(before, ResourceType.ENDPOINT));
    }

    @Test
    void proxylessClientsGetAnApiListenerPerServiceNameAndRoutesTheyUnderstand() {
        publisher.join(NodeKey.PROXYLESS);
        Snapshot s = snapshot(NodeKey.PROXYLESS);

        assertThat(s.listeners().resources()).containsKeys("catalog", "catalog:8080", "catalog.default", "web.default.svc.cluster.local:80");
        Listener l = s.listeners().resources().get("catalog");
        assertThat(l.hasApiListener()).isTrue();
        assertThat(s.routes().resources()).containsOnlyKeys("outbound");
        RouteConfiguration outbound = s.routes().resources().get("outbound");
        assertThat(outbound.toString()).doesNotContain("path_separated_prefix").contains("safe_regex");
        assertThat(outbound.getVirtualHostsList()).flatExtracting(vh -> vh.getRoutesList())
                .as("gRPC refuses redirects: those routes are left out").extracting(r -> r.getName())
                .containsExactlyInAnyOrder("admin/0", "admin/2", "default");
        publisher.join(catalog);
        assertThat(snapshot(catalog).routes().resources().get("outbound").toString()).contains("redirect");
        assertThat(s.clusters().resources()).containsOnlyKeys("catalog.default", "web.default");
    }

    @Test
    void theLastStreamOfAGroupDropsItsSnapshot() {
        publisher.join(catalog);
        publisher.join(catalog);
        publisher.leave(catalog);
        assertThat(snapshot(catalog)).isNotNull();
        publisher.leave(catalog);
        assertThat(snapshot(catalog)).isNull();
        assertThat(publisher.groups()).isEmpty();
    }

    @Test
    void aNewDnsAnswerChangesOnlyTheEndpointVersion() {
        AtomicReference<ResolvedHosts> dns = new AtomicReference<>(ResolvedHosts.NONE);
        resources.set(ConfigLoader.standard().parse("mesh.yaml", MESH
                + "---\napiVersion: trellis.dev/v1alpha1\nkind: Service\nmetadata: {name: pay}\n"
                + "spec: {port: 443, endpoints: [{address: \"pay.example.com:8443\"}]}\n"));
        try (SnapshotPublisher withDns = new SnapshotPublisher(cache, resources::get, () -> List.copyOf(instances), dns::get)) {
            withDns.join(catalog);
            Snapshot before = snapshot(catalog);

            dns.set(new ResolvedHosts(Map.of("pay.example.com", List.of("10.0.0.1", "10.0.0.2"))));
            withDns.publishAll();
            Snapshot after = snapshot(catalog);

            assertThat(version(after, ResourceType.ENDPOINT)).isNotEqualTo(version(before, ResourceType.ENDPOINT));
            for (ResourceType unchanged : List.of(ResourceType.CLUSTER, ResourceType.LISTENER, ResourceType.ROUTE)) {
                assertThat(version(after, unchanged)).as(unchanged.name()).isEqualTo(version(before, unchanged));
            }
            assertThat(after.endpoints().resources().get("pay.default").getEndpoints(0).getLbEndpointsList())
                    .extracting(e -> e.getEndpoint().getAddress().getSocketAddress().getAddress())
                    .containsExactly("10.0.0.1", "10.0.0.2");
        }
    }
}
