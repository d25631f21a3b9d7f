package dev.trellis.proxy.tls;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** A fresh key and a certification request for one SPIFFE ID; what a bootstrap token is bound to. */
public final class CertificateRequests {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CertificateRequests() {}

    /** ECDSA P-256: fast handshakes, accepted by every TLS stack. */
    public static KeyPair newKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("EC P-256 unavailable", e);
        }
    }

    /** A PEM PKCS#10 request whose only name is {@code spiffeId} (a critical URI SAN). */
    public static String csr(KeyPair keys, String spiffeId) {
        try {
            ExtensionsGenerator ext = new ExtensionsGenerator();
            ext.addExtension(Extension.subjectAlternativeName, true,
                    new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, spiffeId)));
            var csr = new JcaPKCS10CertificationRequestBuilder(new X500Name(new org.bouncycastle.asn1.x500.RDN[0]), keys.getPublic())
                    .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext.generate())
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()));
            return PemFiles.of(csr);
        } catch (Exception e) {
            throw new IllegalStateException("cannot write a CSR for " + spiffeId + ": " + e.getMessage(), e);
        }
    }

    /**
     * The identity a bootstrap token is bound to (its "sub"), read without verifying it: only the CA can
     * verify, and it refuses any other identity anyway.
     */
    public static String tokenIdentity(String token) {
        String[] parts = token.trim().split("\\.");
        if (parts.length != 3 || !parts[0].equals("trellis1")) {
            throw new IllegalArgumentException("bootstrap token: malformed (expected: trellis1.<payload>.<mac>, from `trellis token create`)");
        }
        try {
            JsonNode payload = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            String sub = payload.path("sub").asText("");
            if (!sub.startsWith("spiffe://")) {
                throw new IllegalArgumentException("bootstrap token: sub: " + sub + " (expected: a SPIFFE ID)");
            }
            return sub;
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalArgumentException("bootstrap token: unreadable payload (" + e.getMessage() + ")");
        }
    }
}
