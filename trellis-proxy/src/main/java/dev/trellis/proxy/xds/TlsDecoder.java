package dev.trellis.proxy.xds;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import dev.trellis.config.xds.TlsTranslator;
import dev.trellis.proxy.config.TlsMode;
import dev.trellis.proxy.config.UpstreamTls;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import java.util.ArrayList;
import java.util.List;

/**
 * Mutual TLS in xDS (the shapes of {@link TlsTranslator}) to the proxy's records. Certificates come from the
 * proxy's own identity, so contexts must name the SDS secrets "default" (certificate) and "ROOTCA" (trust
 * bundle) and carry no inline certificate. Inbound, a chain terminating TLS must require a client
 * certificate; which chains exist decides the mode (TLS and plaintext: PERMISSIVE, TLS only: STRICT).
 * Outbound, a cluster's TLS is a transport_socket_match on endpoint metadata tlsMode=trellis (the meshed
 * endpoints) whose context matches the peer's SPIFFE ID exactly.
 */
final class TlsDecoder {
    private TlsDecoder() {}

    /** What a listener's chains accept. */
    static final class Chains {
        private boolean tls;
        private boolean plaintext;

        void chain(FilterChain chain, String listener, String field) {
            String transport = chain.getFilterChainMatch().getTransportProtocol();
            if (!chain.hasTransportSocket() || chain.getTransportSocket().getName().equals(TlsTranslator.RAW_BUFFER)) {
                if (transport.equals(TlsTranslator.TRANSPORT_TLS)) {
                    throw new XdsResourceException(ListenerDecoder.TYPE, listener, field + ".transport_socket: none (expected: "
                            + TlsTranslator.TLS + " on a chain matching transport_protocol tls; TLS passthrough is not supported)");
                }
                plaintext = true;
                return;
            }
            String socket = chain.getTransportSocket().getName();
            if (!socket.equals(TlsTranslator.TLS)) {
                throw new XdsResourceException(ListenerDecoder.TYPE, listener, field + ".transport_socket.name: " + socket
                        + " (expected: " + TlsTranslator.TLS + " or " + TlsTranslator.RAW_BUFFER + ")");
            }
            if (!transport.equals(TlsTranslator.TRANSPORT_TLS)) {
                throw new XdsResourceException(ListenerDecoder.TYPE, listener, field + ".filter_chain_match.transport_protocol: \""
                        + transport + "\" (expected: tls on a chain that terminates TLS)");
            }
            String at = field + ".transport_socket.typed_config";
            DownstreamTlsContext ctx = unpack(chain.getTransportSocket().getTypedConfig(), DownstreamTlsContext.class,
                    ListenerDecoder.TYPE, listener, at);
            if (!ctx.getRequireClientCertificate().getValue()) {
                throw new XdsResourceException(ListenerDecoder.TYPE, listener, at + ".require_client_certificate: false "
                        + "(expected: true; sidecars only terminate mutual TLS)");
            }
            CommonTlsContext common = ctx.getCommonTlsContext();
            identity(common, ListenerDecoder.TYPE, listener, at);
            SdsSecretConfig roots = common.hasCombinedValidationContext()
                    ? common.getCombinedValidationContext().getValidationContextSdsSecretConfig()
                    : common.getValidationContextSdsSecretConfig();
            secret(roots, TlsTranslator.SDS_ROOTS, ListenerDecoder.TYPE, listener, at + ".common_tls_context.validation_context_sds_secret_config");
            tls = true;
        }

        TlsMode mode() {
            if (tls) {
                return plaintext ? TlsMode.PERMISSIVE : TlsMode.STRICT;
            }
            return TlsMode.DISABLE;
        }
    }

    /** The mutual TLS of a cluster's meshed endpoints, or null when it has none. */
    static UpstreamTls upstream(Cluster c) {
        String name = c.getName();
        UpstreamTls found = null;
        for (int i = 0; i < c.getTransportSocketMatchesCount(); i++) {
            Cluster.TransportSocketMatch m = c.getTransportSocketMatches(i);
            String field = "transport_socket_matches[" + i + "]";
            String socket = m.getTransportSocket().getName();
            if (socket.equals(TlsTranslator.RAW_BUFFER)) {
                continue; // every other endpoint: plaintext
            }
            if (!socket.equals(TlsTranslator.TLS)) {
                throw new XdsResourceException(ClusterDecoder.TYPE, name, field + ".transport_socket.name: " + socket
                        + " (expected: " + TlsTranslator.TLS + " or " + TlsTranslator.RAW_BUFFER + ")");
            }
            Struct meshed = Struct.newBuilder().putFields(TlsTranslator.TLS_MODE_KEY,
                    com.google.protobuf.Value.newBuilder().setStringValue(TlsTranslator.TLS_MODE_MESHED).build()).build();
            if (!m.getMatch().equals(meshed) || found != null) {
                throw new XdsResourceException(ClusterDecoder.TYPE, name, field + ".match: " + m.getMatch().toString().replace('\n', ' ').trim()
                        + " (expected: one TLS match, on {" + TlsTranslator.TLS_MODE_KEY + ": " + TlsTranslator.TLS_MODE_MESHED + "})");
            }
            String at = field + ".transport_socket.typed_config";
            UpstreamTlsContext ctx = unpack(m.getTransportSocket().getTypedConfig(), UpstreamTlsContext.class, ClusterDecoder.TYPE, name, at);
            CommonTlsContext common = ctx.getCommonTlsContext();
            identity(common, ClusterDecoder.TYPE, name, at);
            CertificateValidationContext validation;
            if (common.hasCombinedValidationContext()) {
                secret(common.getCombinedValidationContext().getValidationContextSdsSecretConfig(), TlsTranslator.SDS_ROOTS,
                        ClusterDecoder.TYPE, name, at + ".common_tls_context.combined_validation_context.validation_context_sds_secret_config");
                validation = common.getCombinedValidationContext().getDefaultValidationContext();
            } else {
                throw new XdsResourceException(ClusterDecoder.TYPE, name, at + ".common_tls_context.combined_validation_context: missing "
                        + "(expected: the peer's SPIFFE ID in default_validation_context, the roots from SDS " + TlsTranslator.SDS_ROOTS + ")");
            }
            List<String> peers = new ArrayList<>();
            for (int k = 0; k < validation.getMatchTypedSubjectAltNamesCount(); k++) {
                SubjectAltNameMatcher san = validation.getMatchTypedSubjectAltNames(k);
                if (san.getSanType() != SubjectAltNameMatcher.SanType.URI || san.getMatcher().getExact().isEmpty()) {
                    throw new XdsResourceException(ClusterDecoder.TYPE, name, at + ".match_typed_subject_alt_names[" + k + "]: "
                            + san.getSanType() + " " + san.getMatcher().getMatchPatternCase()
                            + " (expected: URI exact, the destination's SPIFFE ID)");
                }
                peers.add(san.getMatcher().getExact());
            }
            if (peers.isEmpty()) {
                throw new XdsResourceException(ClusterDecoder.TYPE, name, at + ".match_typed_subject_alt_names: [] "
                        + "(expected: the destination's SPIFFE ID; any certificate of the mesh would do otherwise)");
            }
            found = new UpstreamTls(peers, ctx.getSni().isEmpty() ? null : ctx.getSni());
        }
        return found;
    }

    /** The context presents the proxy's own certificate: SDS "default", nothing inline. */
    private static void identity(CommonTlsContext common, String type, String name, String field) {
        if (common.getTlsCertificatesCount() > 0) {
            throw new XdsResourceException(type, name, field + ".common_tls_context.tls_certificates: inline "
                    + "(expected: SDS " + TlsTranslator.SDS_IDENTITY + "; the proxy's certificate comes from its identity source)");
        }
        if (common.getTlsCertificateSdsSecretConfigsCount() != 1) {
            throw new XdsResourceException(type, name, field + ".common_tls_context.tls_certificate_sds_secret_configs: "
                    + common.getTlsCertificateSdsSecretConfigsCount() + " (expected: exactly one, " + TlsTranslator.SDS_IDENTITY + ")");
        }
        secret(common.getTlsCertificateSdsSecretConfigs(0), TlsTranslator.SDS_IDENTITY, type, name,
                field + ".common_tls_context.tls_certificate_sds_secret_configs[0]");
    }

    private static void secret(SdsSecretConfig sds, String expected, String type, String name, String field) {
        if (!sds.getName().equals(expected)) {
            throw new XdsResourceException(type, name, field + ".name: \"" + sds.getName() + "\" (expected: " + expected + ")");
        }
    }

    private static <T extends Message> T unpack(Any any, Class<T> cls, String type, String name, String field) {
        try {
            return any.unpack(cls);
        } catch (InvalidProtocolBufferException e) {
            throw new XdsResourceException(type, name, field + ": " + any.getTypeUrl() + " (expected: " + cls.getSimpleName() + ")");
        }
    }
}
