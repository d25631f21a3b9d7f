package dev.trellis.proxy.xds;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import dev.trellis.config.ConfigLoader;
import dev.trellis.config.ResourceSet;
import dev.trellis.config.xds.ProxyNode;
import dev.trellis.config.xds.XdsResources;
import dev.trellis.config.xds.XdsTranslator;
import dev.trellis.proxy.config.ProxySnapshot;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AdsStateTest {
    static final String CATALOG = """
            apiVersion: trellis.dev/v1alpha1
            kind: Service
            metadata: {name: catalog}
            spec:
              port: 8080
              endpoints: [{address: "127.0.0.1:9001"}]
            """;
    static final String REVIEWS = """
            ---
            apiVersion: trellis.dev/v1alpha1
            kind: Service
            metadata: {name: reviews}
            spec:
              port: 8080
              endpoints: [{address: "127.0.0.1:9002"}]
            """;
    static final String ROUTE_TO_REVIEWS = """
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: to-reviews}
            spec:
              parentRefs: [{kind: Service, name: catalog}]
              rules:
                - backendRefs: [{name: reviews}]
            """;

    final AdsState state = new AdsState();
    final ProxyNode node = ProxyNode.of("catalog", 9000);

    private XdsResources xds(String yaml) {
        ResourceSet set = ConfigLoader.standard().parse("mesh.yaml", yaml);
        return XdsTranslator.translate(set, node);
    }

    private static DiscoveryResponse response(String type, String version, List<? extends Message> resources) {
        DiscoveryResponse.Builder r = DiscoveryResponse.newBuilder().setTypeUrl(type).setVersionInfo(version).setNonce(version);
        resources.forEach(m -> r.addResources(Any.pack(m)));
        return r.build();
    }

    /** A push in the control plane's order; returns what each response assembled. */
    private List<AdsState.Assembly> push(XdsResources x, String version) {
        List<AdsState.Assembly> out = new ArrayList<>();
        for (DiscoveryResponse r : List.of(
                response(AdsState.CLUSTER, "c" + version, x.clusters()),
                response(AdsState.ENDPOINT, "e" + version, x.endpoints()),
                response(AdsState.LISTENER, "l" + version, x.listeners()),
                response(AdsState.ROUTE, "r" + version, x.routes()))) {
            assertThat(state.accept(r).ack()).as(r.getTypeUrl()).isTrue();
            out.add(state.assemble());
        }
        return out;
    }

    @Test
    void aFirstPushAppliesOnceEveryTypeHasArrived() {
        List<AdsState.Assembly> steps = push(xds(CATALOG), "1");

        assertThat(steps.subList(0, 3)).allMatch(a -> a.snapshot().isEmpty() && a.waitingFor() != null);
        assertThat(steps.get(2).waitingFor()).contains("route configuration inbound", "route configuration outbound");
        ProxySnapshot applied = steps.get(3).snapshot().orElseThrow();
        assertThat(applied.versions()).isEqualTo(Map.of("clusters", "c1", "endpoints", "e1", "listeners", "l1", "routes", "r1"));
        assertThat(applied.endpointsOf("catalog.default").endpoints()).hasSize(1);
    }

    @Test
    void subscriptionsFollowWhatClustersAndListenersName() {
        push(xds(CATALOG), "1");
        assertThat(state.subscription(AdsState.ENDPOINT)).containsExactly("catalog.default");
        assertThat(state.subscription(AdsState.ROUTE)).containsExactly("inbound", "outbound");
        assertThat(state.subscription(AdsState.CLUSTER)).as("all").isEmpty();
    }

    @Test
    void anEndpointOnlyChangeAppliesAtOnce() {
        push(xds(CATALOG), "1");
        XdsResources moved = xds(CATALOG.replace("9001", "9011"));
        assertThat(state.accept(response(AdsState.ENDPOINT, "e2", moved.endpoints())).ack()).isTrue();
        ProxySnapshot applied = state.assemble().snapshot().orElseThrow();
        assertThat(applied.endpointsOf("catalog.default").endpoints().get(0).port()).isEqualTo(9011);
        assertThat(applied.versions()).containsEntry("endpoints", "e2").containsEntry("routes", "r1");
    }

    @Test
    void aNewClusterWarmsUntilItsEndpointsArrive() {
        push(xds(CATALOG), "1");
        XdsResources next = xds(CATALOG + REVIEWS + ROUTE_TO_REVIEWS);

        state.accept(response(AdsState.CLUSTER, "c2", next.clusters()));
        assertThat(state.assemble().waitingFor()).isEqualTo("endpoints of reviews.default");
        assertThat(state.subscription(AdsState.ENDPOINT)).containsExactly("catalog.default", "reviews.default");

        state.accept(response(AdsState.ENDPOINT, "e2", next.endpoints()));
        assertThat(state.assemble().snapshot()).as("the cluster, before any route uses it").isPresent();
        state.accept(response(AdsState.LISTENER, "l2", next.listeners()));
        state.accept(response(AdsState.ROUTE, "r2", next.routes()));
        ProxySnapshot applied = state.assemble().snapshot().orElseThrow();
        assertThat(applied.routeTables().get("outbound").toString()).contains("reviews.default");
    }

    @Test
    void aClusterDroppedBeforeTheRouteNamingItWaitsForTheRoute() {
        push(xds(CATALOG + REVIEWS + ROUTE_TO_REVIEWS), "1");
        XdsResources next = xds(CATALOG);

        state.accept(response(AdsState.CLUSTER, "c2", next.clusters()));
        AdsState.Assembly waiting = state.assemble();
        assertThat(waiting.snapshot()).isEmpty();
        assertThat(waiting.waitingFor()).contains("reviews.default");

        state.accept(response(AdsState.ENDPOINT, "e2", next.endpoints()));
        state.accept(response(AdsState.LISTENER, "l2", next.listeners()));
        state.accept(response(AdsState.ROUTE, "r2", next.routes()));
        assertThat(state.assemble().snapshot()).get().extracting(s -> s.clusters().keySet())
                .isEqualTo(Set.of("catalog.default", "inbound|9000"));
    }

    @Test
    void aResourceTheProxyCannotApplyIsRejectedWithAReadableReasonAndNothingOfTheResponseIsKept() {
        push(xds(CATALOG), "1");
        List<Cluster> clusters = new ArrayList<>(xds(CATALOG).clusters());
        clusters.set(0, clusters.get(0).toBuilder().setLbPolicy(Cluster.LbPolicy.RING_HASH).build());

        AdsState.Verdict v = state.accept(response(AdsState.CLUSTER, "c2", clusters));

        assertThat(v.ack()).isFalse();
        assertThat(v.error()).isEqualTo("cluster catalog.default: lb_policy: RING_HASH (expected: ROUND_ROBIN or LEAST_REQUEST)");
        assertThat(state.version(AdsState.CLUSTER)).isEqualTo("c1");
        assertThat(state.assemble()).as("nothing new to apply").isEqualTo(new AdsState.Assembly(java.util.Optional.empty(), null));
    }

    @Test
    void duplicateNamesAndForeignTypesAreRejected() {
        Cluster c = xds(CATALOG).clusters().get(0);
        assertThat(state.accept(response(AdsState.CLUSTER, "c1", List.of(c, c))).error())
                .isEqualTo("cluster catalog.default: name: catalog.default (expected: unique; it appears twice)");
        DiscoveryResponse mixed = DiscoveryResponse.newBuilder().setTypeUrl(AdsState.LISTENER).addResources(Any.pack(c)).build();
        assertThat(state.accept(mixed).error()).contains("type_url: type.googleapis.com/envoy.config.cluster.v3.Cluster (expected: "
                + AdsState.LISTENER + ")");
    }

    @Test
    void anEndpointResponseMayCarryOnlyWhatChanged() {
        push(xds(CATALOG + REVIEWS), "1");
        XdsResources moved = xds(CATALOG.replace("9001", "9011") + REVIEWS);
        ClusterLoadAssignment catalogOnly = moved.endpoints().stream()
                .filter(c -> c.getClusterName().equals("catalog.default")).findFirst().orElseThrow();

        state.accept(response(AdsState.ENDPOINT, "e2", List.of(catalogOnly)));

        ProxySnapshot applied = state.assemble().snapshot().orElseThrow();
        assertThat(applied.endpointsOf("catalog.default").endpoints().get(0).port()).isEqualTo(9011);
        assertThat(applied.endpointsOf("reviews.default").endpoints()).as("kept").hasSize(1);
    }

    @Test
    void theEndpointsOfARemovedClusterGo() {
        push(xds(CATALOG + REVIEWS), "1");
        push(xds(CATALOG), "2");
        assertThat(state.subscription(AdsState.ENDPOINT)).containsExactly("catalog.default");
        // a later partial response does not bring reviews back
        state.accept(response(AdsState.ENDPOINT, "e3", xds(CATALOG).endpoints()));
        assertThat(state.assemble().snapshot()).get().extracting(s -> s.endpoints().keySet())
                .isEqualTo(Set.of("catalog.default", "inbound|9000"));
    }

    @Test
    void theSameVersionsAreNotAppliedTwice() {
        push(xds(CATALOG), "1");
        state.accept(response(AdsState.ROUTE, "r1", xds(CATALOG).routes()));
        assertThat(state.assemble().snapshot()).isEmpty();
    }
}
