package dev.trellis.config.xds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.config.ConfigLoader;
import io.envoyproxy.envoy.config.core.v3.RuntimeFractionalPercent;
import io.envoyproxy.envoy.config.route.v3.RouteAction.RequestMirrorPolicy;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import io.envoyproxy.envoy.type.v3.FractionalPercent.DenominatorType;
import org.junit.jupiter.api.Test;

/** RequestMirror filters in Envoy's request_mirror_policies, with Gateway API fractions in Envoy's denominators. */
class RequestMirrorTranslatorTest {
    static final String YAML = CatalogRoutes.yaml("""
            apiVersion: trellis.dev/v1alpha1
            kind: Service
            metadata: {name: catalog-next, namespace: staging}
            spec: {port: 8080}
            ---
            """, """
            - backendRefs: [{name: catalog}]
              filters:
                - {type: RequestMirror, requestMirror: {backendRef: {name: catalog-next, namespace: staging}}}
                - {type: RequestMirror, requestMirror: {backendRef: {name: catalog-next, namespace: staging}, percent: 10}}
            """);

    @Test
    void mirrorsBecomeEnvoysMirrorPolicies() {
        var action = CatalogRoutes.outbound(YAML).get(0).getRoute();
        assertThat(action.getRequestMirrorPoliciesList()).containsExactly(
                RequestMirrorPolicy.newBuilder().setCluster("catalog-next.staging").build(),
                RequestMirrorPolicy.newBuilder().setCluster("catalog-next.staging").setRuntimeFraction(RuntimeFractionalPercent.newBuilder()
                        .setDefaultValue(fraction(10, DenominatorType.HUNDRED))).build());
        assertThat(XdsTranslator.translate(ConfigLoader.standard().parse("mesh.yaml", YAML), ProxyNode.of("web", 0)).clusters())
                .anyMatch(c -> c.getName().equals("catalog-next.staging"));
    }

    @Test
    void fractionsTakeTheFinestEnvoyDenominatorThatHoldsThemExactly() {
        assertThat(RequestMirrorTranslator.fraction(1, 4)).isEqualTo(fraction(25, DenominatorType.HUNDRED));
        assertThat(RequestMirrorTranslator.fraction(1, 16)).isEqualTo(fraction(625, DenominatorType.TEN_THOUSAND));
        assertThat(RequestMirrorTranslator.fraction(3, 1000)).isEqualTo(fraction(30, DenominatorType.TEN_THOUSAND));
        assertThat(RequestMirrorTranslator.fraction(1, 64)).isEqualTo(fraction(15625, DenominatorType.MILLION));
        assertThat(RequestMirrorTranslator.fraction(1, 3)).isEqualTo(fraction(333333, DenominatorType.MILLION));
        assertThat(RequestMirrorTranslator.fraction(0, 7)).isEqualTo(fraction(0, DenominatorType.MILLION));
    }

    private static FractionalPercent fraction(int numerator, DenominatorType type) {
        return FractionalPercent.newBuilder().setNumerator(numerator).setDenominator(type).build();
    }
}
