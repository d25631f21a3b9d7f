package dev.trellis.config.xds;

import dev.trellis.config.resource.RequestMirror;
import io.envoyproxy.envoy.config.core.v3.RuntimeFractionalPercent;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import java.util.List;

/**
 * RequestMirror filters as Envoy's {@code request_mirror_policies}: the Service's cluster, and the fraction as a
 * {@code runtime_fraction} default (no runtime key: nothing overrides it). Envoy's fractions are per hundred, ten
 * thousand or million; Gateway API's denominators are any integer, so the finest one that holds the fraction
 * exactly is taken, and per million (rounded) when none does.
 */
final class RequestMirrorTranslator {
    private RequestMirrorTranslator() {}

    static void apply(RouteAction.Builder action, List<RequestMirror> mirrors) {
        for (RequestMirror m : mirrors) {
            RouteAction.RequestMirrorPolicy.Builder policy = RouteAction.RequestMirrorPolicy.newBuilder()
                    .setCluster(XdsNames.cluster(m.name(), m.namespace()));
            if (!m.always()) {
                policy.setRuntimeFraction(RuntimeFractionalPercent.newBuilder().setDefaultValue(fraction(m.numerator(), m.denominator())));
            }
            action.addRequestMirrorPolicies(policy);
        }
    }

    static FractionalPercent fraction(int numerator, int denominator) {
        for (FractionalPercent.DenominatorType type : List.of(FractionalPercent.DenominatorType.HUNDRED,
                FractionalPercent.DenominatorType.TEN_THOUSAND, FractionalPercent.DenominatorType.MILLION)) {
            long scale = scale(type);
            if (scale % denominator == 0) {
                return FractionalPercent.newBuilder().setNumerator((int) (numerator * (scale / denominator))).setDenominator(type).build();
            }
        }
        long perMillion = Math.round(numerator * 1_000_000.0 / denominator);
        return FractionalPercent.newBuilder().setNumerator((int) perMillion).setDenominator(FractionalPercent.DenominatorType.MILLION).build();
    }

    private static long scale(FractionalPercent.DenominatorType type) {
        return switch (type) {
            case HUNDRED -> 100;
            case TEN_THOUSAND -> 10_000;
            default -> 1_000_000;
        };
    }
}
