package dev.trellis.controlplane.xds;

import dev.trellis.controlplane.ca.Pem;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The SDS secret {@code ROOTCA} every TLS context of the mesh names for its trust bundle: a validation
 * context whose trusted CA is the PEM of every root in force (two while a rotation overlaps them). Only
 * public certificates: a private key never travels in xDS.
 */
public final class TrustBundleSecret {
    /** The name TLS contexts give the trust bundle (Istio's). */
    public static final String NAME = "ROOTCA";

    private TrustBundleSecret() {}

    public static Secret of(List<X509Certificate> roots) {
        if (roots.isEmpty()) {
            throw new IllegalArgumentException("roots: [] (expected: at least one)");
        }
        return Secret.newBuilder()
                .setName(NAME)
                .setValidationContext(CertificateValidationContext.newBuilder()
                        .setTrustedCa(DataSource.newBuilder().setInlineBytes(
                                com.google.protobuf.ByteString.copyFrom(Pem.certificates(roots), StandardCharsets.US_ASCII))))
                .build();
    }
}
