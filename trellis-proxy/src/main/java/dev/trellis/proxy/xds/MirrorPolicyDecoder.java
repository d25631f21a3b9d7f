package dev.trellis.proxy.xds;

import dev.trellis.proxy.config.MirrorPolicy;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import java.util.ArrayList;
import java.util.List;

/**
 * A route action's {@code request_mirror_policies}. Without {@code runtime_fraction} every request is copied; with one,
 * its default value applies (this proxy has no runtime to override it). A cluster named by a header is refused, and
 * {@code trace_sampled} is refused as well: a copy is sampled like any other request.
 */
final class MirrorPolicyDecoder {
    private MirrorPolicyDecoder() {}

    static List<MirrorPolicy> decode(RouteAction a, String table, String field) {
        List<MirrorPolicy> out = new ArrayList<>(a.getRequestMirrorPoliciesCount());
        for (int i = 0; i < a.getRequestMirrorPoliciesCount(); i++) {
            RouteAction.RequestMirrorPolicy p = a.getRequestMirrorPolicies(i);
            String at = field + ".request_mirror_policies[" + i + "]";
            if (!p.getClusterHeader().isEmpty()) {
                throw new XdsResourceException(RouteDecoder.TYPE, table, at + ".cluster_header: " + p.getClusterHeader()
                        + " (expected: cluster)");
            }
            if (p.getCluster().isEmpty()) {
                throw new XdsResourceException(RouteDecoder.TYPE, table, at + ".cluster: \"\" (expected: a cluster name)");
            }
            if (p.hasTraceSampled()) {
                throw new XdsResourceException(RouteDecoder.TYPE, table, at + ".trace_sampled: set (expected: unset)");
            }
            int perMillion = p.hasRuntimeFraction()
                    ? (int) Math.round(RouteFilterDecoder.percent(p.getRuntimeFraction().getDefaultValue()) * 10_000)
                    : MirrorPolicy.MILLION;
            out.add(new MirrorPolicy(p.getCluster(), perMillion, !p.getDisableShadowHostSuffixAppend()));
        }
        return out;
    }
}
