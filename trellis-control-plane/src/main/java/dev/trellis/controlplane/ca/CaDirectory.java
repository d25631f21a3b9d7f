package dev.trellis.controlplane.ca;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The CA's files. Two layouts:
 * <ul>
 * <li>user-supplied (Istio's "plug-in CA" names): {@code ca-cert.pem} and {@code ca-key.pem} (a root or an
 *     intermediate), {@code root-cert.pem} (the roots to trust) and optionally {@code cert-chain.pem}
 *     (ca-cert up to the root);</li>
 * <li>self-managed: {@code root-cert.pem} and {@code root-key.pem}, generated on first start, plus during a
 *     root rotation {@code next-root-*.pem} (trusted, not yet signing) or {@code previous-root-cert.pem}
 *     (still trusted, no longer signing).</li>
 * </ul>
 * The bootstrap-token key is {@code token-key}. Secrets are written owner-only, atomically.
 */
public final class CaDirectory {
    static final String CA_CERT = "ca-cert.pem";
    static final String CA_KEY = "ca-key.pem";
    static final String CERT_CHAIN = "cert-chain.pem";
    static final String ROOT_CERT = "root-cert.pem";
    static final String ROOT_KEY = "root-key.pem";
    static final String NEXT_ROOT_CERT = "next-root-cert.pem";
    static final String NEXT_ROOT_KEY = "next-root-key.pem";
    static final String PREVIOUS_ROOT_CERT = "previous-root-cert.pem";
    static final String TOKEN_KEY = "token-key";

    private final Path dir;

    public CaDirectory(Path dir) {
        this.dir = dir;
    }

    public Path path() {
        return dir;
    }

    /** Whether the CA signs with user-supplied material (then it never rotates its root itself). */
    public boolean userSupplied() {
        return Files.exists(dir.resolve(CA_CERT));
    }

    /** Loads the signing CA, generating a root first when the directory has none. */
    public SigningCa loadOrCreate(String trustDomain, Instant now, java.time.Duration rootTtl) {
        try {
            Files.createDirectories(dir);
            if (userSupplied()) {
                return loadUserSupplied();
            }
            if (!Files.exists(dir.resolve(ROOT_CERT))) {
                KeyPair keys = X509Issuer.newKeyPair();
                X509Certificate root = X509Issuer.selfSignedRoot(keys, trustDomain, now.minusSeconds(300), now.plus(rootTtl));
                writeSecret(ROOT_KEY, Pem.of(keys.getPrivate()));
                write(ROOT_CERT, Pem.of(root));
            }
            return loadSelfManaged();
        } catch (IOException e) {
            throw new UncheckedIOException("CA directory " + dir + ": " + e.getMessage(), e);
        }
    }

    private SigningCa loadUserSupplied() throws IOException {
        X509Certificate caCert = Pem.readCertificates(read(CA_CERT)).get(0);
        PrivateKey caKey = Pem.readPrivateKey(read(CA_KEY));
        checkPair(caKey, caCert.getPublicKey(), CA_KEY + " / " + CA_CERT);
        if (caCert.getBasicConstraints() < 0) {
            throw new IllegalArgumentException(dir.resolve(CA_CERT) + ": basic constraints CA:false (expected: a CA certificate)");
        }
        List<X509Certificate> roots = Files.exists(dir.resolve(ROOT_CERT)) ? Pem.readCertificates(read(ROOT_CERT)) : List.of(caCert);
        List<X509Certificate> intermediates = new ArrayList<>();
        if (Files.exists(dir.resolve(CERT_CHAIN))) {
            for (X509Certificate c : Pem.readCertificates(read(CERT_CHAIN))) {
                if (!c.equals(caCert) && !roots.contains(c)) {
                    intermediates.add(c);
                }
            }
        }
        checkChain(caCert, intermediates, roots);
        return new SigningCa(caKey, caCert, intermediates, roots);
    }

    private SigningCa loadSelfManaged() throws IOException {
        X509Certificate root = Pem.readCertificates(read(ROOT_CERT)).get(0);
        PrivateKey key = Pem.readPrivateKey(read(ROOT_KEY));
        checkPair(key, root.getPublicKey(), ROOT_KEY + " / " + ROOT_CERT);
        List<X509Certificate> bundle = new ArrayList<>();
        bundle.add(root);
        if (Files.exists(dir.resolve(NEXT_ROOT_CERT))) {
            bundle.add(Pem.readCertificates(read(NEXT_ROOT_CERT)).get(0));
        }
        if (Files.exists(dir.resolve(PREVIOUS_ROOT_CERT))) {
            bundle.add(Pem.readCertificates(read(PREVIOUS_ROOT_CERT)).get(0));
        }
        return new SigningCa(key, root, List.of(), bundle);
    }

    /** Root rotation, step 1: a new root joins the trust bundle; the current one keeps signing. */
    public void addNextRoot(String trustDomain, Instant now, java.time.Duration rootTtl) throws IOException {
        requireSelfManaged();
        if (Files.exists(dir.resolve(NEXT_ROOT_CERT))) {
            throw new IllegalStateException("root rotation: a next root already exists (expected: activate it first)");
        }
        KeyPair keys = X509Issuer.newKeyPair();
        X509Certificate next = X509Issuer.selfSignedRoot(keys, trustDomain, now.minusSeconds(300), now.plus(rootTtl));
        writeSecret(NEXT_ROOT_KEY, Pem.of(keys.getPrivate()));
        write(NEXT_ROOT_CERT, Pem.of(next));
    }

    /** Step 2: the next root signs from now on; the old one stays trusted until retired. */
    public void activateNextRoot() throws IOException {
        requireSelfManaged();
        if (!Files.exists(dir.resolve(NEXT_ROOT_CERT))) {
            throw new IllegalStateException("root rotation: no next root (expected: add one first)");
        }
        write(PREVIOUS_ROOT_CERT, read(ROOT_CERT));
        writeSecret(ROOT_KEY, read(NEXT_ROOT_KEY));
        write(ROOT_CERT, read(NEXT_ROOT_CERT));
        Files.delete(dir.resolve(NEXT_ROOT_CERT));
        Files.delete(dir.resolve(NEXT_ROOT_KEY));
    }

    /** Step 3: the old root leaves the trust bundle. */
    public void retirePreviousRoot() throws IOException {
        requireSelfManaged();
        Files.deleteIfExists(dir.resolve(PREVIOUS_ROOT_CERT));
    }

    private void requireSelfManaged() {
        if (userSupplied()) {
            throw new IllegalStateException("root rotation: the CA uses user-supplied " + CA_CERT
                    + " (expected: rotate it by replacing the files)");
        }
    }

    /** The HMAC key for bootstrap tokens, created on first use. */
    public byte[] tokenKey() {
        Path file = dir.resolve(TOKEN_KEY);
        try {
            Files.createDirectories(dir);
            if (!Files.exists(file)) {
                byte[] key = new byte[32];
                new SecureRandom().nextBytes(key);
                try {
                    writeSecretOnce(TOKEN_KEY, Base64.getEncoder().encodeToString(key) + "\n");
                } catch (FileAlreadyExistsException raced) {
                    // another process created it first: use theirs
                }
            }
            byte[] key = Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).trim());
            if (key.length < 32) {
                throw new IllegalArgumentException(file + ": " + key.length + " bytes (expected: >= 32)");
            }
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("token key " + file + ": " + e.getMessage(), e);
        }
    }

    private String read(String name) throws IOException {
        return Files.readString(dir.resolve(name), StandardCharsets.US_ASCII);
    }

    private void write(String name, String content) throws IOException {
        Path tmp = Files.createTempFile(dir, "." + name, ".tmp");
        Files.writeString(tmp, content, StandardCharsets.US_ASCII);
        move(tmp, dir.resolve(name));
    }

    private void writeSecret(String name, String content) throws IOException {
        Path tmp = Files.createTempFile(dir, "." + name, ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, content, StandardCharsets.US_ASCII);
        move(tmp, dir.resolve(name));
    }

    /** Fails with FileAlreadyExistsException when the file appeared meanwhile. */
    private void writeSecretOnce(String name, String content) throws IOException {
        Path tmp = Files.createTempFile(dir, "." + name, ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, content, StandardCharsets.US_ASCII);
        try {
            Files.createLink(dir.resolve(name), tmp);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private void checkPair(PrivateKey key, PublicKey pub, String what) {
        try {
            byte[] probe = "trellis".getBytes(StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance(X509Issuer.signatureAlgorithm(key));
            s.initSign(key);
            s.update(probe);
            byte[] sig = s.sign();
            s.initVerify(pub);
            s.update(probe);
            if (s.verify(sig)) {
                return;
            }
        } catch (Exception e) {
            // reported below
        }
        throw new IllegalArgumentException(dir + ": " + what + ": the key does not match the certificate");
    }

    private void checkChain(X509Certificate caCert, List<X509Certificate> intermediates, List<X509Certificate> roots) {
        X509Certificate child = caCert;
        List<X509Certificate> path = new ArrayList<>(intermediates);
        while (true) {
            for (X509Certificate root : roots) {
                if (signedBy(child, root)) {
                    return;
                }
            }
            X509Certificate parent = null;
            for (X509Certificate c : path) {
                if (signedBy(child, c)) {
                    parent = c;
                    break;
                }
            }
            if (parent == null) {
                throw new IllegalArgumentException(dir + ": " + CA_CERT + " does not chain to " + ROOT_CERT
                        + " (expected: the chain in " + CERT_CHAIN + " up to a root in " + ROOT_CERT + ")");
            }
            path.remove(parent);
            child = parent;
        }
    }

    private static boolean signedBy(X509Certificate child, X509Certificate issuer) {
        if (!child.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
            return false;
        }
        try {
            child.verify(issuer.getPublicKey());
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
