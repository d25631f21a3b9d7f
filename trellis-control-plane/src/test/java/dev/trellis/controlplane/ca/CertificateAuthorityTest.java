package dev.trellis.controlplane.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trellis.controlplane.MutableClock;
import dev.trellis.controlplane.ca.IssuanceException.Reason;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyPair;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateAuthorityTest {
    @TempDir
    Path dir;
    final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));

    CertificateAuthority open() {
        return CertificateAuthority.open(CaOptions.builder(dir).clock(clock).build());
    }

    String token(CertificateAuthority ca, String service) {
        return ca.tokens().create(ca.identityOf("default", service), Duration.ofHours(1));
    }

    @Test
    void generatesAndPersistsItsRootOnFirstStartOnly() throws Exception {
        CertificateAuthority first = open();
        X509Certificate root = first.trustBundle().get(0);
        assertThat(root.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(Files.getPosixFilePermissions(dir.resolve(CaDirectory.ROOT_KEY)))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(Files.getPosixFilePermissions(dir.resolve(CaDirectory.TOKEN_KEY)))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

        CertificateAuthority second = open();
        assertThat(second.trustBundle()).containsExactly(root);
        // the token key persisted too: a token from before the restart still works
        String token = token(first, "web");
        assertThat(second.issue(token, Csrs.forUri(Csrs.ec("secp256r1"), "spiffe://cluster.local/ns/default/sa/web"), null)
                .identity().uri()).isEqualTo("spiffe://cluster.local/ns/default/sa/web");
    }

    @Test
    void issuesAShortLivedSpiffeCertificateThatChainsToTheRoot() throws Exception {
        CertificateAuthority ca = open();
        KeyPair keys = Csrs.ec("secp256r1");
        IssuedCertificate cert = ca.issue(token(ca, "web"), Csrs.forUri(keys, "spiffe://cluster.local/ns/default/sa/web"), null);

        X509Certificate leaf = cert.chain().get(0);
        assertThat(cert.chain()).hasSize(1);
        assertThat(leaf.getPublicKey()).isEqualTo(keys.getPublic());
        assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
        assertThat(leaf.getExtendedKeyUsage()).containsExactlyInAnyOrder("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
        assertThat(leaf.getSubjectAlternativeNames()).containsExactly(List.of(6, "spiffe://cluster.local/ns/default/sa/web"));
        assertThat(leaf.getCriticalExtensionOIDs()).contains("2.5.29.17");
        assertThat(Duration.between(clock.instant(), leaf.getNotAfter().toInstant())).isEqualTo(Duration.ofHours(24));
        assertThat(leaf.getNotBefore().toInstant()).isBefore(clock.instant());
        validate(cert.chain(), cert.trustBundle());
    }

    @Test
    void aTokenForOneServiceCannotObtainACertificateForAnother() throws Exception {
        CertificateAuthority ca = open();
        assertThatThrownBy(() -> ca.issue(token(ca, "web"), Csrs.forUri(Csrs.ec("secp256r1"),
                "spiffe://cluster.local/ns/default/sa/catalog"), null))
                .isInstanceOfSatisfying(IssuanceException.class, e -> assertThat(e.reason()).isEqualTo(Reason.FORBIDDEN))
                .hasMessageContaining("spiffe://cluster.local/ns/default/sa/catalog (expected: spiffe://cluster.local/ns/default/sa/web");
        assertThat(ca.refusedCount(Reason.FORBIDDEN)).isEqualTo(1);
        assertThat(ca.issuedCount()).isZero();
    }

    @Test
    void aCsrWithoutNamesGetsTheTokensIdentity() throws Exception {
        CertificateAuthority ca = open();
        IssuedCertificate cert = ca.issue(token(ca, "web"), Csrs.build(Csrs.ec("secp384r1"), null, false), null);
        assertThat(cert.chain().get(0).getSubjectAlternativeNames())
                .containsExactly(List.of(6, "spiffe://cluster.local/ns/default/sa/web"));
    }

    @Test
    void refusesCaRequestsWeakKeysAndOtherNames() throws Exception {
        CertificateAuthority ca = open();
        String web = "spiffe://cluster.local/ns/default/sa/web";
        assertRefused(ca, token(ca, "web"), Csrs.build(Csrs.ec("secp256r1"), web, true), Reason.BAD_REQUEST, "CA:true");
        assertRefused(ca, token(ca, "web"), Csrs.forUri(Csrs.rsa(1024), web), Reason.BAD_REQUEST, "RSA 1024 bits");
        assertRefused(ca, token(ca, "web"), Csrs.forUri(Csrs.ec("secp521r1"), web), Reason.BAD_REQUEST, "EC curve");
        assertRefused(ca, token(ca, "web"), Csrs.forUri(Csrs.ec("secp256r1"), "https://web.example"), Reason.FORBIDDEN, "https://web.example");
        assertRefused(ca, token(ca, "web"), "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n",
                Reason.BAD_REQUEST, "csr");
        assertThat(ca.issue(token(ca, "web"), Csrs.forUri(Csrs.rsa(2048), web), null).identity().uri()).isEqualTo(web);
    }

    @Test
    void refusesMissingForgedAndExpiredTokens() throws Exception {
        CertificateAuthority ca = open();
        String csr = Csrs.forUri(Csrs.ec("secp256r1"), "spiffe://cluster.local/ns/default/sa/web");
        assertRefused(ca, null, csr, Reason.UNAUTHENTICATED, "not a Trellis bootstrap token");
        String good = token(ca, "web");
        String forged = good.substring(0, good.lastIndexOf('.') + 1) + "AAAA" + good.substring(good.lastIndexOf('.') + 5);
        assertRefused(ca, forged, csr, Reason.UNAUTHENTICATED, "bad signature");
        BootstrapTokens otherCa = new BootstrapTokens(new byte[32], clock);
        assertRefused(ca, otherCa.create(ca.identityOf("default", "web"), Duration.ofHours(1)), csr, Reason.UNAUTHENTICATED, "bad signature");
        clock.advance(Duration.ofHours(1));
        assertRefused(ca, good, csr, Reason.UNAUTHENTICATED, "expired");
    }

    @Test
    void issuanceIsRateLimitedPerIdentity() throws Exception {
        CertificateAuthority ca = CertificateAuthority.open(CaOptions.builder(dir).clock(clock).burst(2)
                .refillEvery(Duration.ofSeconds(10)).build());
        String csr = Csrs.forUri(Csrs.ec("secp256r1"), "spiffe://cluster.local/ns/default/sa/web");
        String token = token(ca, "web");
        ca.issue(token, csr, null);
        ca.issue(token, csr, null);
        assertThatThrownBy(() -> ca.issue(token, csr, null))
                .isInstanceOfSatisfying(IssuanceException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.RATE_LIMITED);
                    assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(10));
                });
        // another identity has its own budget
        ca.issue(token(ca, "catalog"), Csrs.forUri(Csrs.ec("secp256r1"), "spiffe://cluster.local/ns/default/sa/catalog"), null);
        clock.advance(Duration.ofSeconds(10));
        ca.issue(token, csr, null);
        assertThat(ca.issuedCount()).isEqualTo(4);
    }

    @Test
    void aRequestedLifetimeIsCappedAtTheMaximum() throws Exception {
        CertificateAuthority ca = open();
        String csr = Csrs.forUri(Csrs.ec("secp256r1"), "spiffe://cluster.local/ns/default/sa/web");
        assertThat(ca.issue(token(ca, "web"), csr, Duration.ofDays(365)).notAfter()).isEqualTo(clock.instant().plus(Duration.ofDays(7)));
        assertThat(ca.issue(token(ca, "web"), csr, Duration.ofMinutes(10)).notAfter()).isEqualTo(clock.instant().plus(Duration.ofMinutes(10)));
    }

    @Test
    void signsWithAUserSuppliedIntermediate() throws Exception {
        Instant now = clock.instant();
        KeyPair rootKeys = X509Issuer.newKeyPair();
        X509Certificate root = X509Issuer.selfSignedRoot(rootKeys, "cluster.local", now.minusSeconds(60), now.plus(Duration.ofDays(30)));
        Path tmp = Files.createTempDirectory(dir, "issuer");
        // an intermediate: what a root CA signs for this mesh, made here with the root's own machinery
        KeyPair interKeys = X509Issuer.newKeyPair();
        CaDirectory rootDir = new CaDirectory(tmp);
        Files.writeString(tmp.resolve(CaDirectory.ROOT_CERT), Pem.of(root));
        Files.writeString(tmp.resolve(CaDirectory.ROOT_KEY), Pem.of(rootKeys.getPrivate()));
        X509Certificate inter = intermediate(interKeys, root, rootKeys, now);
        assertThat(rootDir.userSupplied()).isFalse();

        Path plug = dir.resolve("plugged");
        Files.createDirectories(plug);
        Files.writeString(plug.resolve(CaDirectory.CA_CERT), Pem.of(inter));
        Files.writeString(plug.resolve(CaDirectory.CA_KEY), Pem.of(interKeys.getPrivate()));
        Files.writeString(plug.resolve(CaDirectory.ROOT_CERT), Pem.of(root));
        Files.writeString(plug.resolve(CaDirectory.CERT_CHAIN), Pem.of(inter, root));
        CertificateAuthority ca = CertificateAuthority.open(CaOptions.builder(plug).clock(clock).build());

        IssuedCertificate cert = ca.issue(ca.tokens().create(ca.identityOf("shop", "web"), Duration.ofHours(1)),
                Csrs.forUri(Csrs.ec("secp256r1"), "spiffe://cluster.local/ns/shop/sa/web"), null);
        assertThat(cert.chain()).hasSize(2);
        assertThat(cert.chain().get(1)).isEqualTo(inter);
        assertThat(cert.trustBundle()).containsExactly(root);
        validate(cert.chain(), cert.trustBundle());
        assertThatThrownBy(ca::addNextRoot).hasMessageContaining("user-supplied");
    }

    @Test
    void refusesAUserSuppliedKeyThatDoesNotMatchItsCertificate() throws Exception {
        Instant now = clock.instant();
        KeyPair a = X509Issuer.newKeyPair();
        X509Certificate cert = X509Issuer.selfSignedRoot(a, "cluster.local", now, now.plus(Duration.ofDays(1)));
        Files.writeString(dir.resolve(CaDirectory.CA_CERT), Pem.of(cert));
        Files.writeString(dir.resolve(CaDirectory.CA_KEY), Pem.of(X509Issuer.newKeyPair().getPrivate()));
        assertThatThrownBy(this::open).hasMessageContaining("the key does not match the certificate");
    }

    @Test
    void rotatesItsRootWithOverlap() throws Exception {
        CertificateAuthority ca = open();
        X509Certificate oldRoot = ca.trustBundle().get(0);
        String csr = Csrs.forUri(Csrs.ec("secp256r1"), "spiffe://cluster.local/ns/default/sa/web");
        IssuedCertificate before = ca.issue(token(ca, "web"), csr, null);

        ca.addNextRoot();
        assertThat(ca.trustBundle()).hasSize(2).contains(oldRoot);
        X509Certificate newRoot = ca.trustBundle().stream().filter(r -> !r.equals(oldRoot)).findFirst().orElseThrow();
        assertThat(ca.issue(token(ca, "web"), csr, null).chain().get(0).getIssuerX500Principal())
                .as("the old root still signs").isEqualTo(oldRoot.getSubjectX500Principal());

        ca.activateNextRoot();
        IssuedCertificate after = ca.issue(token(ca, "web"), csr, null);
        assertThat(after.chain().get(0).getIssuerX500Principal()).isEqualTo(newRoot.getSubjectX500Principal());
        assertThat(ca.trustBundle()).containsExactlyInAnyOrder(oldRoot, newRoot);
        validate(before.chain(), ca.trustBundle()); // old certificates still verify during the overlap
        validate(after.chain(), ca.trustBundle());
        assertThat(open().trustBundle()).as("the rotation state survives a restart").containsExactlyInAnyOrder(oldRoot, newRoot);

        ca.retirePreviousRoot();
        assertThat(ca.trustBundle()).containsExactly(newRoot);
        assertThatThrownBy(() -> validate(before.chain(), ca.trustBundle())).isInstanceOf(Exception.class);
    }

    private void assertRefused(CertificateAuthority ca, String token, String csr, Reason reason, String message) {
        assertThatThrownBy(() -> ca.issue(token, csr, null))
                .isInstanceOfSatisfying(IssuanceException.class, e -> assertThat(e.reason()).isEqualTo(reason))
                .hasMessageContaining(message);
    }

    private void validate(List<X509Certificate> chain, List<X509Certificate> roots) throws Exception {
        Set<TrustAnchor> anchors = roots.stream().map(r -> new TrustAnchor(r, null)).collect(Collectors.toSet());
        PKIXParameters params = new PKIXParameters(anchors);
        params.setRevocationEnabled(false);
        params.setDate(Date.from(clock.instant()));
        CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(chain), params);
    }

    private static X509Certificate intermediate(KeyPair keys, X509Certificate root, KeyPair rootKeys, Instant now) throws Exception {
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(root, BigInteger.valueOf(42), Date.from(now.minusSeconds(60)),
                Date.from(now.plus(Duration.ofDays(10))), new X500Principal("O=Trellis,CN=Trellis intermediate"), keys.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign));
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA")
                .build(rootKeys.getPrivate())));
    }
}
