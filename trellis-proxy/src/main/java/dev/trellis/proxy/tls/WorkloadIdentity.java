package dev.trellis.proxy.tls;

import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * This proxy's certificate (an X.509-SVID), its key, and the roots it verifies peers against.
 *
 * @param chain       the workload certificate first, then intermediates
 * @param trustBundle the roots peers must chain to
 */
public record WorkloadIdentity(PrivateKey key, List<X509Certificate> chain, List<X509Certificate> trustBundle) {
    public WorkloadIdentity {
        Objects.requireNonNull(key, "key");
        chain = List.copyOf(chain);
        trustBundle = List.copyOf(trustBundle);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("certificate chain: [] (expected: the workload certificate first)");
        }
        if (trustBundle.isEmpty()) {
            throw new IllegalArgumentException("trust bundle: [] (expected: at least one root)");
        }
        if (PeerCertificates.spiffeId(chain.get(0)) == null) {
            throw new IllegalArgumentException("certificate " + chain.get(0).getSubjectX500Principal() + ": SPIFFE ID: none "
                    + "(expected: exactly one spiffe:// URI subject alternative name)");
        }
        if (!matches(key, chain.get(0))) {
            throw new IllegalArgumentException("private key: does not match the certificate of " + PeerCertificates.spiffeId(chain.get(0)));
        }
    }

    public String spiffeId() {
        return PeerCertificates.spiffeId(chain.get(0));
    }

    public String trustDomain() {
        return PeerCertificates.trustDomain(spiffeId());
    }

    public Instant notBefore() {
        return chain.get(0).getNotBefore().toInstant();
    }

    public Instant notAfter() {
        return chain.get(0).getNotAfter().toInstant();
    }

    public WorkloadIdentity withTrustBundle(List<X509Certificate> bundle) {
        return new WorkloadIdentity(key, chain, bundle);
    }

    private static boolean matches(PrivateKey key, X509Certificate cert) {
        String algorithm = switch (key.getAlgorithm()) {
            case "EC", "ECDSA" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null;
        };
        if (algorithm == null) {
            return false;
        }
        try {
            byte[] probe = "trellis".getBytes(StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance(algorithm);
            s.initSign(key);
            s.update(probe);
            byte[] sig = s.sign();
            s.initVerify(cert.getPublicKey());
            s.update(probe);
            return s.verify(sig);
        } catch (Exception e) {
            return false;
        }
    }
}
