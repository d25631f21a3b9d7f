package dev.trellis.proxy.xds;

import dev.trellis.proxy.tls.PemFiles;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The SDS secret {@code ROOTCA} → the roots to trust: a validation context whose {@code trusted_ca} holds
 * PEM certificates inline. A trust bundle secret carrying a certificate or key of its own is refused: keys
 * never travel in xDS.
 */
final class TrustBundleDecoder {
    static final String TYPE = "secret";
    static final String ROOTCA = "ROOTCA";

    private TrustBundleDecoder() {}

    static List<X509Certificate> decode(Secret s) {
        String name = s.getName();
        if (s.hasTlsCertificate() || s.hasSessionTicketKeys() || s.hasGenericSecret()) {
            throw new XdsResourceException(TYPE, name, "type: " + s.getTypeCase() + " (expected: validation_context only; keys never travel in xDS)");
        }
        if (!s.hasValidationContext()) {
            throw new XdsResourceException(TYPE, name, "validation_context: missing (expected: trusted_ca with the PEM of the roots)");
        }
        DataSource ca = s.getValidationContext().getTrustedCa();
        String pem = switch (ca.getSpecifierCase()) {
            case INLINE_BYTES -> ca.getInlineBytes().toString(StandardCharsets.US_ASCII);
            case INLINE_STRING -> ca.getInlineString();
            default -> throw new XdsResourceException(TYPE, name, "validation_context.trusted_ca: " + ca.getSpecifierCase()
                    + " (expected: inline_bytes or inline_string)");
        };
        List<X509Certificate> roots;
        try {
            roots = PemFiles.certificates(pem, "validation_context.trusted_ca");
        } catch (IllegalArgumentException e) {
            throw new XdsResourceException(TYPE, name, e.getMessage());
        }
        for (X509Certificate root : roots) {
            if (root.getBasicConstraints() < 0) {
                throw new XdsResourceException(TYPE, name, "validation_context.trusted_ca: " + root.getSubjectX500Principal()
                        + " is not a CA certificate (expected: roots)");
            }
        }
        return roots;
    }
}
