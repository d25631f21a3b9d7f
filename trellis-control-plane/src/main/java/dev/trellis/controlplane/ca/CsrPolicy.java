package dev.trellis.controlplane.ca;

import dev.trellis.controlplane.ca.IssuanceException.Reason;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.security.interfaces.RSAPublicKey;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * What a certification request may ask for: a proof of possession (its own valid signature), a strong key
 * (RSA &ge; 2048 bits, EC P-256 or P-384, Ed25519), no CA powers, and no name but the caller's own SPIFFE
 * ID. The subject is ignored: the certificate carries only the SPIFFE ID.
 */
final class CsrPolicy {
    static final int MIN_RSA_BITS = 2048;
    static final int MAX_RSA_BITS = 8192;

    private CsrPolicy() {}

    /** @return the key to certify */
    static PublicKey check(PKCS10CertificationRequest csr, SpiffeId caller) {
        PublicKey key;
        String algorithm = algorithm(csr.getSubjectPublicKeyInfo().getAlgorithm());
        try {
            key = KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(csr.getSubjectPublicKeyInfo().getEncoded()));
        } catch (Exception e) {
            throw bad("unreadable public key: " + e.getMessage());
        }
        checkKey(csr.getSubjectPublicKeyInfo().getAlgorithm(), key);
        boolean signed;
        try {
            signed = csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key));
        } catch (Exception e) {
            throw bad("unreadable signature: " + e.getMessage());
        }
        if (!signed) {
            throw bad("signature: invalid (expected: signed with the key it asks to certify)");
        }
        for (Attribute a : csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
            for (ASN1Encodable v : a.getAttrValues()) {
                checkExtensions(Extensions.getInstance(v), caller);
            }
        }
        return key;
    }

    private static String algorithm(AlgorithmIdentifier alg) {
        ASN1ObjectIdentifier oid = alg.getAlgorithm();
        if (oid.equals(PKCSObjectIdentifiers.rsaEncryption)) {
            return "RSA";
        }
        if (oid.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
            return "EC";
        }
        if (oid.equals(EdECObjectIdentifiers.id_Ed25519)) {
            return "Ed25519";
        }
        throw bad("key: algorithm " + oid + " (expected: RSA >= 2048 bits, EC P-256/P-384 or Ed25519)");
    }

    private static void checkKey(AlgorithmIdentifier alg, PublicKey key) {
        ASN1ObjectIdentifier oid = alg.getAlgorithm();
        if (oid.equals(PKCSObjectIdentifiers.rsaEncryption)) {
            int bits = ((RSAPublicKey) key).getModulus().bitLength();
            if (bits < MIN_RSA_BITS || bits > MAX_RSA_BITS) {
                throw bad("key: RSA " + bits + " bits (expected: " + MIN_RSA_BITS + ".." + MAX_RSA_BITS + ")");
            }
            return;
        }
        if (oid.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
            ASN1Encodable curve = alg.getParameters();
            if (!(curve instanceof ASN1ObjectIdentifier named)
                    || !(named.equals(SECObjectIdentifiers.secp256r1) || named.equals(SECObjectIdentifiers.secp384r1))) {
                throw bad("key: EC curve " + curve + " (expected: P-256 or P-384)");
            }
            return;
        }
        if (oid.equals(EdECObjectIdentifiers.id_Ed25519)) {
            return;
        }
        throw bad("key: algorithm " + oid + " (expected: RSA >= 2048 bits, EC P-256/P-384 or Ed25519)");
    }

    private static void checkExtensions(Extensions ext, SpiffeId caller) {
        BasicConstraints bc = BasicConstraints.fromExtensions(ext);
        if (bc != null && bc.isCA()) {
            throw bad("basicConstraints: CA:true (expected: CA:false, a workload certificate)");
        }
        KeyUsage ku = KeyUsage.fromExtensions(ext);
        if (ku != null && (ku.hasUsages(KeyUsage.keyCertSign) || ku.hasUsages(KeyUsage.cRLSign))) {
            throw bad("keyUsage: keyCertSign/cRLSign (expected: no certificate signing)");
        }
        GeneralNames names = GeneralNames.fromExtensions(ext, Extension.subjectAlternativeName);
        if (names == null) {
            return;
        }
        for (GeneralName n : names.getNames()) {
            if (n.getTagNo() != GeneralName.uniformResourceIdentifier) {
                throw bad("subjectAltName: " + n + " (expected: only the URI " + caller.uri() + ")");
            }
            String uri = n.getName().toString();
            if (!uri.equals(caller.uri())) {
                throw new IssuanceException(Reason.FORBIDDEN, "subjectAltName: " + uri + " (expected: " + caller.uri()
                        + ", the identity the bootstrap token is bound to)");
            }
        }
    }

    private static IssuanceException bad(String message) {
        return new IssuanceException(Reason.BAD_REQUEST, "csr: " + message);
    }
}
