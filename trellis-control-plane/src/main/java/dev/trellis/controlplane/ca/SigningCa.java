package dev.trellis.controlplane.ca;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * The key and certificate the CA signs with, the intermediates between it and a root, and every root
 * peers must trust (more than one while a root rotation overlaps the old and the new).
 *
 * @param intermediates from the signing certificate's issuer up to, not including, the root; empty when
 *                      the CA signs with a root
 */
public record SigningCa(PrivateKey key, X509Certificate certificate, List<X509Certificate> intermediates,
                        List<X509Certificate> trustBundle) {
    public SigningCa {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(certificate, "certificate");
        intermediates = List.copyOf(intermediates);
        trustBundle = List.copyOf(trustBundle);
        if (trustBundle.isEmpty()) {
            throw new IllegalArgumentException("trustBundle: [] (expected: at least one root)");
        }
    }

    /** What a workload presents after its own certificate: the signing certificate unless it is a root, then intermediates. */
    public List<X509Certificate> chainAboveLeaf() {
        if (isSelfSigned(certificate)) {
            return List.of();
        }
        java.util.ArrayList<X509Certificate> out = new java.util.ArrayList<>();
        out.add(certificate);
        out.addAll(intermediates);
        return out;
    }

    static boolean isSelfSigned(X509Certificate c) {
        if (!c.getSubjectX500Principal().equals(c.getIssuerX500Principal())) {
            return false;
        }
        try {
            c.verify(c.getPublicKey());
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
