package dev.trellis.config.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trellis.config.ConfigException;
import dev.trellis.config.ConfigLoader;
import dev.trellis.config.ResourceSet;
import dev.trellis.config.load.PeerAuthenticationKind;
import dev.trellis.config.resource.PeerAuthentication.MtlsMode;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsParameters;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import org.junit.jupiter.api.Test;

class TlsTranslationTest {
    static final String SERVICES = """
            apiVersion: trellis.dev/v1alpha1
            kind: Service
            metadata: {name: catalog}
            spec: {port: 8080, endpoints: [{address: "127.0.0.1:9001", meshed: true}, {address: "127.0.0.1:9002"}]}
            ---
            apiVersion: trellis.dev/v1alpha1
            kind: Service
            metadata: {name: legacy, namespace: shop}
            spec: {port: 8080, endpoints: [{address: "127.0.0.1:9003", meshed: true}]}
            """;

    static ResourceSet load(String policies) {
        return ConfigLoader.standard().parse("mesh.yaml", SERVICES + policies);
    }

    static String policy(String name, String namespace, String target, String mode) {
        return "---\napiVersion: trellis.dev/v1alpha1\nkind: PeerAuthentication\nmetadata: {name: " + name + ", namespace: " + namespace
                + "}\nspec:\n" + (target == null ? "" : "  targetRef: {kind: Service, name: " + target + "}\n")
                + "  mtls: {mode: " + mode + "}\n";
    }

    static Listener inbound(ResourceSet resources, ProxyNode node) {
        return XdsTranslator.translate(resources, node).listeners().stream()
                .filter(l -> l.getName().equals("inbound")).findFirst().orElseThrow();
    }

    @Test
    void theNarrowestPolicyWins() {
        ResourceSet r = load(policy("mesh", "trellis-system", null, "STRICT") + policy("shop", "shop", null, "DISABLE")
                + policy("catalog", "default", "catalog", "PERMISSIVE"));
        assertThat(PeerAuthenticationKind.modeOf(r, "default", "catalog")).isEqualTo(MtlsMode.PERMISSIVE);
        assertThat(PeerAuthenticationKind.modeOf(r, "shop", "legacy")).isEqualTo(MtlsMode.DISABLE);
        assertThat(PeerAuthenticationKind.modeOf(r, "default", "web")).isEqualTo(MtlsMode.STRICT);
        assertThat(PeerAuthenticationKind.modeOf(load(""), "default", "web")).isEqualTo(MtlsMode.PERMISSIVE);
    }

    @Test
    void refusesAnUnknownModeAMissingTargetAndTwoPoliciesForOneScope() {
        assertThatThrownBy(() -> load(policy("x", "default", null, "MUTUAL"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("mode").hasMessageContaining("STRICT, PERMISSIVE or DISABLE");
        assertThatThrownBy(() -> load(policy("x", "default", "nope", "STRICT"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("spec.targetRef.name: nope (expected: an existing Service");
        assertThatThrownBy(() -> load(policy("a", "default", null, "STRICT") + policy("b", "default", null, "PERMISSIVE")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("one PeerAuthentication per scope");
    }

    @Test
    void strictInboundHasOnlyMutualTlsChains() throws Exception {
        Listener l = inbound(load(policy("mesh", "trellis-system", null, "STRICT")), ProxyNode.of("catalog", 7000));
        assertThat(l.getListenerFiltersList()).extracting(f -> f.getName()).first().isEqualTo(TlsTranslator.TLS_INSPECTOR);
        assertThat(l.getFilterChainsList()).extracting(FilterChain::getName).containsExactly("inbound_tls_http", "inbound_tls_tcp");
        assertThat(l.hasDefaultFilterChain()).as("nothing for plaintext").isFalse();
        FilterChain tls = l.getFilterChains(0);
        assertThat(tls.getFilterChainMatch().getTransportProtocol()).isEqualTo("tls");
        DownstreamTlsContext ctx = tls.getTransportSocket().getTypedConfig().unpack(DownstreamTlsContext.class);
        assertThat(ctx.getRequireClientCertificate().getValue()).isTrue();
        assertThat(ctx.getCommonTlsContext().getTlsParams().getTlsMinimumProtocolVersion()).isEqualTo(TlsParameters.TlsProtocol.TLSv1_3);
        assertThat(ctx.getCommonTlsContext().getTlsCertificateSdsSecretConfigs(0).getName()).isEqualTo("default");
        assertThat(ctx.getCommonTlsContext().getValidationContextSdsSecretConfig().getName()).isEqualTo("ROOTCA");
        assertThat(ctx.getCommonTlsContext().getAlpnProtocolsList()).containsExactly("h2", "http/1.1");
    }

    @Test
    void permissiveInboundKeepsThePlaintextChains() {
        Listener l = inbound(load(""), ProxyNode.of("catalog", 7000));
        assertThat(l.getFilterChainsList()).extracting(FilterChain::getName).containsExactly("inbound_http", "inbound_tls_http", "inbound_tls_tcp");
        assertThat(l.getFilterChains(0).getFilterChainMatch().getTransportProtocol()).isEqualTo("raw_buffer");
        assertThat(l.getDefaultFilterChain().getName()).isEqualTo("inbound_tcp");
    }

    @Test
    void disabledInboundIsPlaintextOnly() {
        Listener l = inbound(load(policy("c", "default", "catalog", "DISABLE")), ProxyNode.of("catalog", 7000));
        assertThat(l.getListenerFiltersList()).extracting(f -> f.getName()).doesNotContain(TlsTranslator.TLS_INSPECTOR);
        assertThat(l.getFilterChainsList()).extracting(FilterChain::getName).containsExactly("inbound_http");
        assertThat(l.getFilterChains(0).hasTransportSocket()).isFalse();
    }

    @Test
    void callersVerifyTheDestinationsSpiffeIdOnMeshedEndpointsOnly() throws Exception {
        XdsResources xds = XdsTranslator.translate(load(policy("legacy", "shop", "legacy", "DISABLE")), ProxyNode.of("web", 0));
        Cluster catalog = xds.clusters().stream().filter(c -> c.getName().equals("catalog.default")).findFirst().orElseThrow();
        assertThat(catalog.hasTransportSocket()).isFalse();
        assertThat(catalog.getTransportSocketMatchesList()).extracting(Cluster.TransportSocketMatch::getName)
                .containsExactly("tlsMode-trellis", "tlsMode-disabled");
        UpstreamTlsContext ctx = catalog.getTransportSocketMatches(0).getTransportSocket().getTypedConfig().unpack(UpstreamTlsContext.class);
        SubjectAltNameMatcher san = ctx.getCommonTlsContext().getCombinedValidationContext().getDefaultValidationContext()
                .getMatchTypedSubjectAltNames(0);
        assertThat(san.getSanType()).isEqualTo(SubjectAltNameMatcher.SanType.URI);
        assertThat(san.getMatcher().getExact()).isEqualTo("spiffe://cluster.local/ns/default/sa/catalog");
        assertThat(catalog.getTransportSocketMatches(0).getMatch().getFieldsOrThrow("tlsMode").getStringValue()).isEqualTo("trellis");


        Cluster legacy = xds.clusters().stream().filter(c -> c.getName().equals("legacy.shop")).findFirst().orElseThrow();
        assertThat(legacy.getTransportSocketMatchesList()).as("its destination refuses TLS").isEmpty();
    }
}
