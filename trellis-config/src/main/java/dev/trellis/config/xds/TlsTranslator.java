package dev.trellis.config.xds;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.Struct;
import dev.trellis.config.resource.PeerAuthentication.MtlsMode;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsParameters;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;

/**
 * Mutual TLS in xDS, in Istio's shapes. Certificates are never in the configuration: contexts name SDS
 * secrets, "default" (the proxy's own workload certificate) and "ROOTCA" (the trust bundle), which the
 * proxy resolves from its local identity source.
 * <ul>
 * <li>Inbound: a tls_inspector; filter chains matching transport_protocol "tls" carry a
 *     DownstreamTlsContext requiring a client certificate, TLS 1.3; in PERMISSIVE mode plaintext chains
 *     ("raw_buffer") remain, in STRICT there are none.</li>
 * <li>Outbound: a Service's cluster has transport_socket_matches: {tlsMode: trellis} (the meshed endpoints)
 *     get an UpstreamTlsContext that accepts only the destination's SPIFFE ID; the others raw_buffer. The
 *     Trellis proxy applies the TLS match to endpoints with trellis.meshed = true. (Envoy would look for
 *     envoy.transport_socket_match {tlsMode: trellis} on the endpoint; it is not sent because grpc-java's
 *     proxyless client then finds no usable endpoint.)</li>
 * </ul>
 */
public final class TlsTranslator {
    public static final String TLS_INSPECTOR = "envoy.filters.listener.tls_inspector";
    public static final String TLS = "envoy.transport_sockets.tls";
    public static final String RAW_BUFFER = "envoy.transport_sockets.raw_buffer";
    public static final String TRANSPORT_TLS = "tls";
    public static final String TRANSPORT_RAW = "raw_buffer";
    public static final String SDS_IDENTITY = "default";
    public static final String SDS_ROOTS = "ROOTCA";
    public static final String TLS_MODE_KEY = "tlsMode";
    public static final String TLS_MODE_MESHED = "trellis";
    public static final String MATCH_TLS = "tlsMode-trellis";
    public static final String MATCH_PLAINTEXT = "tlsMode-disabled";
    /** Locally there is one trust domain; a Service's name stands for its service account. */
    public static final String TRUST_DOMAIN = "cluster.local";

    private TlsTranslator() {}

    /** "spiffe://cluster.local/ns/default/sa/catalog". */
    public static String spiffeId(String namespace, String serviceAccount) {
        return "spiffe://" + TRUST_DOMAIN + "/ns/" + namespace + "/sa/" + serviceAccount;
    }

    static boolean acceptsTls(MtlsMode mode) {
        return mode != MtlsMode.DISABLE;
    }

    static boolean acceptsPlaintext(MtlsMode mode) {
        return mode != MtlsMode.STRICT;
    }

    /** The inbound side: a client certificate is required and must chain to ROOTCA. */
    static TransportSocket downstream() {
        DownstreamTlsContext ctx = DownstreamTlsContext.newBuilder()
                .setRequireClientCertificate(BoolValue.of(true))
                .setCommonTlsContext(common()
                        .addAlpnProtocols("h2").addAlpnProtocols("http/1.1")
                        .setValidationContextSdsSecretConfig(sds(SDS_ROOTS)))
                .build();
        return TransportSocket.newBuilder().setName(TLS).setTypedConfig(Any.pack(ctx)).build();
    }

    /** transport_socket_matches of a cluster whose meshed endpoints must prove {@code peerIdentity}. */
    static void upstream(Cluster.Builder cluster, String peerIdentity) {
        UpstreamTlsContext ctx = UpstreamTlsContext.newBuilder()
                .setCommonTlsContext(common()
                        .addAlpnProtocols("h2")
                        .setCombinedValidationContext(CommonTlsContext.CombinedCertificateValidationContext.newBuilder()
                                .setDefaultValidationContext(CertificateValidationContext.newBuilder()
                                        .addMatchTypedSubjectAltNames(SubjectAltNameMatcher.newBuilder()
                                                .setSanType(SubjectAltNameMatcher.SanType.URI)
                                                .setMatcher(StringMatcher.newBuilder().setExact(peerIdentity))))
                                .setValidationContextSdsSecretConfig(sds(SDS_ROOTS))))
                .build();
        cluster.addTransportSocketMatches(Cluster.TransportSocketMatch.newBuilder()
                .setName(MATCH_TLS)
                .setMatch(Struct.newBuilder().putFields(TLS_MODE_KEY, Protos.string(TLS_MODE_MESHED)))
                .setTransportSocket(TransportSocket.newBuilder().setName(TLS).setTypedConfig(Any.pack(ctx))));
        cluster.addTransportSocketMatches(Cluster.TransportSocketMatch.newBuilder()
                .setName(MATCH_PLAINTEXT)
                .setMatch(Struct.getDefaultInstance())
                .setTransportSocket(TransportSocket.newBuilder().setName(RAW_BUFFER)
                        .setTypedConfig(Any.pack(RawBuffer.getDefaultInstance()))));
    }

    private static CommonTlsContext.Builder common() {
        return CommonTlsContext.newBuilder()
                .setTlsParams(TlsParameters.newBuilder()
                        .setTlsMinimumProtocolVersion(TlsParameters.TlsProtocol.TLSv1_3)
                        .setTlsMaximumProtocolVersion(TlsParameters.TlsProtocol.TLSv1_3))
                .addTlsCertificateSdsSecretConfigs(sds(SDS_IDENTITY));
    }

    private static SdsSecretConfig sds(String name) {
        return SdsSecretConfig.newBuilder().setName(name).setSdsConfig(Protos.ads()).build();
    }
}
