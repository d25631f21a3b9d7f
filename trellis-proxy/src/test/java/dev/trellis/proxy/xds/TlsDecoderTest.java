package dev.trellis.proxy.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import dev.trellis.config.ConfigLoader;
import dev.trellis.config.xds.ProxyNode;
import dev.trellis.config.xds.XdsResources;
import dev.trellis.config.xds.XdsTranslator;
import dev.trellis.proxy.config.ListenerConfig;
import dev.trellis.proxy.config.ProxySnapshot;
import dev.trellis.proxy.config.TlsMode;
import dev.trellis.proxy.config.UpstreamTls;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Mutual TLS from YAML through the translator and back into the proxy's records, and what is refused. */
class TlsDecoderTest {
    static final String YAML = """
            apiVersion: trellis.dev/v1alpha1
            kind: Service
            metadata: {name: catalog}
            spec: {port: 8080, endpoints: [{address: "127.0.0.1:9001", meshed: true}]}
            ---
            apiVersion: trellis.dev/v1alpha1
            kind: Service
            metadata: {name: db}
            spec: {protocol: tcp, port: 5432, endpoints: [{address: "127.0.0.1:9002", meshed: true}]}
            """;

    static XdsResources translate(String extra, ProxyNode node) {
        return XdsTranslator.translate(ConfigLoader.standard().parse("mesh.yaml", YAML + extra), node);
    }

    static ProxySnapshot decode(XdsResources xds) {
        return XdsDecoder.decode(xds, Map.of());
    }

    static String mode(String mode) {
        return "---\napiVersion: trellis.dev/v1alpha1\nkind: PeerAuthentication\nmetadata: {name: mesh, namespace: trellis-system}\n"
                + "spec: {mtls: {mode: " + mode + "}}\n";
    }

    @Test
    void theInboundModeRoundTrips() {
        for (TlsMode m : TlsMode.values()) {
            ListenerConfig http = decode(translate(mode(m.name()), ProxyNode.of("catalog", 7000))).listeners().get("inbound");
            assertThat(http.tlsMode()).as("http " + m).isEqualTo(m);
            assertThat(http.detectProtocol()).as("http " + m).isTrue();
            ListenerConfig tcp = decode(translate(mode(m.name()), ProxyNode.of("db", 7001))).listeners().get("inbound");
            assertThat(tcp.tlsMode()).as("tcp " + m).isEqualTo(m);
            assertThat(tcp.protocol()).isEqualTo(ListenerConfig.ListenerProtocol.TCP);
        }
        assertThat(decode(translate("", ProxyNode.of("db", 7001))).listeners().get("inbound").detectTimeout().toMillis())
                .as("a server-first TCP protocol waits a second, not Envoy's fifteen").isEqualTo(1000);
    }

    @Test
    void clustersExpectTheDestinationsSpiffeIdUnlessItRefusesTls() {
        ProxySnapshot s = decode(translate("", ProxyNode.of("web", 0)));
        assertThat(s.clusters().get("catalog.default").tls()).isEqualTo(UpstreamTls.of("spiffe://cluster.local/ns/default/sa/catalog"));
        assertThat(s.clusters().get("db.default").tls()).isEqualTo(UpstreamTls.of("spiffe://cluster.local/ns/default/sa/db"));
        assertThat(decode(translate(mode("DISABLE"), ProxyNode.of("web", 0))).clusters().get("catalog.default").tls()).isNull();
    }

    @Test
    void refusesShapesTheProxyCannotHonour() throws Exception {
        XdsResources xds = translate(mode("STRICT"), ProxyNode.of("catalog", 7000));
        Listener inbound = xds.listeners().stream().filter(l -> l.getName().equals("inbound")).findFirst().orElseThrow();
        FilterChain tls = inbound.getFilterChains(0);
        DownstreamTlsContext ctx = tls.getTransportSocket().getTypedConfig().unpack(DownstreamTlsContext.class);

        Listener optionalClientCert = inbound.toBuilder().setFilterChains(0, tls.toBuilder().setTransportSocket(socket(
                ctx.toBuilder().setRequireClientCertificate(BoolValue.of(false)).build()))).build();
        assertThatThrownBy(() -> ListenerDecoder.decode(optionalClientCert))
                .hasMessageContaining("require_client_certificate: false (expected: true");

        Listener inline = inbound.toBuilder().setFilterChains(0, tls.toBuilder().setTransportSocket(socket(ctx.toBuilder()
                .setCommonTlsContext(ctx.getCommonTlsContext().toBuilder().addTlsCertificates(TlsCertificate.getDefaultInstance()))
                .build()))).build();
        assertThatThrownBy(() -> ListenerDecoder.decode(inline)).hasMessageContaining("tls_certificates: inline");

        Listener passthrough = inbound.toBuilder().setFilterChains(0, tls.toBuilder().clearTransportSocket()).build();
        assertThatThrownBy(() -> ListenerDecoder.decode(passthrough)).hasMessageContaining("TLS passthrough is not supported");

        Cluster catalog = translate("", ProxyNode.of("web", 0)).clusters().stream()
                .filter(c -> c.getName().equals("catalog.default")).findFirst().orElseThrow();
        Cluster.TransportSocketMatch match = catalog.getTransportSocketMatches(0);
        UpstreamTlsContext up = match.getTransportSocket().getTypedConfig().unpack(UpstreamTlsContext.class);
        var validation = up.getCommonTlsContext().getCombinedValidationContext();
        UpstreamTlsContext dns = up.toBuilder().setCommonTlsContext(up.getCommonTlsContext().toBuilder().setCombinedValidationContext(
                validation.toBuilder().setDefaultValidationContext(validation.getDefaultValidationContext().toBuilder()
                        .setMatchTypedSubjectAltNames(0, validation.getDefaultValidationContext().getMatchTypedSubjectAltNames(0)
                                .toBuilder().setSanType(SubjectAltNameMatcher.SanType.DNS))))).build();
        Cluster byDns = catalog.toBuilder().setTransportSocketMatches(0, match.toBuilder().setTransportSocket(socket(dns))).build();
        assertThatThrownBy(() -> ClusterDecoder.decode(byDns)).hasMessageContaining("(expected: URI exact, the destination's SPIFFE ID)");

        UpstreamTlsContext anyone = up.toBuilder().setCommonTlsContext(up.getCommonTlsContext().toBuilder().setCombinedValidationContext(
                validation.toBuilder().setDefaultValidationContext(validation.getDefaultValidationContext().toBuilder()
                        .clearMatchTypedSubjectAltNames()))).build();
        Cluster anyPeer = catalog.toBuilder().setTransportSocketMatches(0, match.toBuilder().setTransportSocket(socket(anyone))).build();
        assertThatThrownBy(() -> ClusterDecoder.decode(anyPeer)).hasMessageContaining("match_typed_subject_alt_names: []");
    }

    private static TransportSocket socket(com.google.protobuf.Message ctx) {
        return TransportSocket.newBuilder().setName("envoy.transport_sockets.tls").setTypedConfig(Any.pack(ctx)).build();
    }
}
