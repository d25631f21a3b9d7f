package dev.trellis.proxy.tls;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A throwaway certificate authority for tests: a root, and SPIFFE workload certificates it signs. */
public final class TestPki {
    private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());

    private final KeyPair rootKeys = CertificateRequests.newKeyPair();
    private final X509Certificate root;

    public TestPki(String name) {
        Instant now = Instant.now();
        X500Name subject = new X500Name("O=Trellis test,CN=" + name);
        try {
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(), Date.from(now.minusSeconds(3600)),
                    Date.from(now.plus(Duration.ofDays(30))), subject, rootKeys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            root = sign(b, rootKeys.getPrivate());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public X509Certificate root() {
        return root;
    }

    /** A workload identity valid from an hour ago for a day. */
    public WorkloadIdentity identity(String spiffeId) {
        Instant now = Instant.now();
        return identity(spiffeId, now.minusSeconds(3600), now.plus(Duration.ofDays(1)));
    }

    public WorkloadIdentity identity(String spiffeId, Instant notBefore, Instant notAfter) {
        KeyPair keys = CertificateRequests.newKeyPair();
        return new WorkloadIdentity(keys.getPrivate(), List.of(certificate(keys.getPublic(), spiffeId, notBefore, notAfter)), List.of(root));
    }

    /** A workload certificate for {@code key} (what a CA answers a CSR with). */
    public X509Certificate certificate(java.security.PublicKey key, String spiffeId, Instant notBefore, Instant notAfter) {
        KeyPair keys = new KeyPair(key, null);
        try {
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(X500Name.getInstance(root.getSubjectX500Principal().getEncoded()),
                    serial(), Date.from(notBefore), Date.from(notAfter), new X500Name("O=Trellis test"), keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
                    .addExtension(Extension.extendedKeyUsage, false,
                            new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
                    .addExtension(Extension.subjectAlternativeName, false,
                            new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, spiffeId)));
            return sign(b, rootKeys.getPrivate());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes cert-chain.pem, key.pem and root-cert.pem (what {@link FileCertificateSource} and curl read). */
    public static Path write(WorkloadIdentity id, Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(FileCertificateSource.CERT_CHAIN), PemFiles.of(id.chain().toArray()));
        Files.writeString(dir.resolve(FileCertificateSource.KEY), PemFiles.of(id.key()));
        Files.writeString(dir.resolve(FileCertificateSource.ROOT_CERT), PemFiles.of(id.trustBundle().toArray()));
        return dir;
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
    }

    private static BigInteger serial() {
        return BigInteger.valueOf(SERIAL.incrementAndGet());
    }
}
