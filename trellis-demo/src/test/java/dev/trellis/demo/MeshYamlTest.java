package dev.trellis.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.trellis.config.ConfigLoader;
import dev.trellis.config.ResourceSet;
import dev.trellis.config.resource.HttpRoute;
import dev.trellis.config.resource.Protocol;
import dev.trellis.config.resource.Service;
import dev.trellis.demo.app.AppKind;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MeshYamlTest {
    private final MeshPlan plan = MeshPlan.allocate();

    @Test
    void everyInstanceIsItsSidecarsInboundPortAndCatalogIsSplit() {
        ResourceSet resources = ConfigLoader.standard().parse("mesh.yaml", MeshYaml.render(plan));

        assertThat(resources.services()).extracting(s -> s.metadata().name())
                .containsExactlyInAnyOrder("client", "web", "catalog-v1", "catalog-v2", "recommend", "catalog");
        for (MeshPlan.Member member : plan.members()) {
            Service service = resources.service("default", member.service()).orElseThrow();
            assertThat(service.port()).isEqualTo(MeshPlan.SERVICE_PORT);
            if (member.app().isEmpty()) {
                assertThat(service.endpoints()).isEmpty();
                continue;
            }
            assertThat(service.endpoints()).singleElement().satisfies(endpoint -> {
                assertThat(endpoint.host()).isEqualTo("127.0.0.1");
                assertThat(endpoint.port()).isEqualTo(member.sidecar().inbound());
                assertThat(endpoint.meshed()).isTrue();
                assertThat(endpoint.labels()).isEqualTo(member.labels());
            });
        }
        assertThat(resources.service("default", "recommend").orElseThrow().protocol()).isEqualTo(Protocol.GRPC);
        assertThat(resources.service("default", "web").orElseThrow().protocol()).isEqualTo(Protocol.HTTP);
        assertThat(resources.service("default", "catalog").orElseThrow().endpoints()).isEmpty();

        HttpRoute split = resources.httpRoutes().get(0);
        assertThat(split.metadata().name()).isEqualTo("catalog-split");
        assertThat(split.parentRefs()).extracting(HttpRoute.ParentRef::name).containsExactly("catalog");
        HttpRoute.Rule rule = split.rules().get(0);
        assertThat(rule.backendRefs()).extracting(HttpRoute.BackendRef::name, HttpRoute.BackendRef::weight)
                .containsExactly(tuple("catalog-v1", 80),
                        tuple("catalog-v2", 20));
        assertThat(rule.timeouts().request()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void withAControlPlaneEachServiceSelectsItsMembersInstancesByLabel() {
        ResourceSet resources = ConfigLoader.standard().parse("services.yaml", MeshYaml.services(plan));

        assertThat(resources.services()).extracting(s -> s.metadata().name())
                .containsExactlyInAnyOrder("client", "web", "catalog-v1", "catalog-v2", "recommend", "catalog");
        for (MeshPlan.Member member : plan.members()) {
            Service service = resources.service("default", member.service()).orElseThrow();
            assertThat(service.endpoints()).isEmpty();
            assertThat(service.selector()).isEqualTo(member.app().isPresent() ? member.labels() : Map.of());
        }
        assertThat(resources.service("default", "catalog-v2").orElseThrow().selector())
                .isEqualTo(Map.of("app", "catalog", "version", "v2"));
    }

    @Test
    void theCanaryRouteSendsThePercentToV2AndTheRestToV1() {
        for (int percent : CanaryRollout.STEPS) {
            ResourceSet resources = ConfigLoader.standard().parse("mesh.yaml",
                    MeshYaml.services(plan) + MeshYaml.catalogRoute(percent));

            HttpRoute route = resources.httpRoutes().get(0);
            assertThat(route.metadata().name()).isEqualTo("catalog-split");
            assertThat(route.rules().get(0).backendRefs())
                    .extracting(HttpRoute.BackendRef::name, HttpRoute.BackendRef::weight)
                    .containsExactly(tuple("catalog-v1", 100 - percent), tuple("catalog-v2", percent));
        }
        assertThatThrownBy(() -> MeshYaml.catalogRoute(101))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("v2Percent: 101 (expected: 0..100)");
    }

    @Test
    void thePlanUsesTwentyDistinctPortsAndPointsEachServiceAtItsOwnSidecar() {
        Set<Integer> ports = new HashSet<>();
        for (MeshPlan.Member member : plan.members()) {
            MeshPlan.SidecarPorts p = member.sidecar();
            ports.addAll(List.of(p.app(), p.outbound(), p.inbound(), p.admin()));
            member.app().ifPresent(app -> {
                assertThat(app.port()).isEqualTo(p.app());
                assertThat(app.outbound()).isEqualTo("127.0.0.1:" + p.outbound());
            });
        }
        assertThat(ports).hasSize(20);
        assertThat(plan.member("client").app()).isEmpty();
        assertThat(plan.member("catalog-v2").app().orElseThrow().slowness().percent()).isPositive();
        assertThat(plan.member("catalog-v1").app().orElseThrow().slowness().percent()).isZero();
        assertThat(plan.member("recommend").app().orElseThrow().kind()).isEqualTo(AppKind.RECOMMEND);
        assertThat(plan.member("catalog-v2").labels()).isEqualTo(Map.of("app", "catalog", "version", "v2"));
    }
}
