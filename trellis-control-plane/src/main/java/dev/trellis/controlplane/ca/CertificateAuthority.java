package dev.trellis.controlplane.ca;

import dev.trellis.controlplane.ca.IssuanceException.Reason;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mesh's certificate authority: turns a CSR plus a bootstrap token into a short-lived X.509-SVID for
 * the one identity the token is bound to. Every request passes, in order: the token (401), the identity's
 * rate limit (429), the CSR policy (400, or 403 for another identity's name), then signing.
 */
public final class CertificateAuthority {
    private static final Logger log = LoggerFactory.getLogger(CertificateAuthority.class);
    /** Certificates start this long before "now", so a peer whose clock is a little behind accepts them. */
    static final Duration BACKDATE = Duration.ofMinutes(5);

    private final CaOptions options;
    private final CaDirectory directory;
    private final BootstrapTokens tokens;
    private final IssuanceLimiter limiter;
    private final AtomicLong issued = new AtomicLong();
    private final Map<Reason, AtomicLong> refused = new EnumMap<>(Reason.class);
    private final List<Runnable> rootListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile SigningCa signing;

    private CertificateAuthority(CaOptions options, CaDirectory directory, SigningCa signing) {
        this.options = options;
        this.directory = directory;
        this.signing = signing;
        this.tokens = new BootstrapTokens(directory.tokenKey(), options.clock());
        this.limiter = new IssuanceLimiter(options.burst(), options.refillEvery(), options.clock());
        for (Reason r : Reason.values()) {
            refused.put(r, new AtomicLong());
        }
    }

    /** Opens the CA of {@code options.directory()}, generating and saving a root on first start. */
    public static CertificateAuthority open(CaOptions options) {
        CaDirectory dir = new CaDirectory(options.directory());
        SigningCa signing = dir.loadOrCreate(options.trustDomain(), options.clock().instant(), options.rootTtl());
        log.info("certificate authority: trust domain {}, signing with {} (valid until {}), {} trusted root(s), {}",
                options.trustDomain(), signing.certificate().getSubjectX500Principal(), signing.certificate().getNotAfter().toInstant(),
                signing.trustBundle().size(), dir.userSupplied() ? "user-supplied" : "self-managed in " + dir.path());
        return new CertificateAuthority(options, dir, signing);
    }

    public CaOptions options() {
        return options;
    }

    public SpiffeId identityOf(String namespace, String serviceAccount) {
        return new SpiffeId(options.trustDomain(), namespace, serviceAccount);
    }

    public BootstrapTokens tokens() {
        return tokens;
    }

    public List<X509Certificate> trustBundle() {
        return signing.trustBundle();
    }

    /** Runs {@code listener} after every step of a root rotation (the trust bundle or the signer changed). */
    public void onRootsChanged(Runnable listener) {
        rootListeners.add(listener);
    }

    public SigningCa signing() {
        return signing;
    }

    /**
     * @param ttl the lifetime asked for, or null for the default; longer than the maximum is shortened
     * @throws IssuanceException naming why nothing was issued
     */
    public IssuedCertificate issue(String token, String csrPem, Duration ttl) {
        try {
            BootstrapTokens.Claims claims = tokens.verify(token);
            if (!claims.identity().trustDomain().equals(options.trustDomain())) {
                throw new IssuanceException(Reason.FORBIDDEN, "bootstrap token: trust domain " + claims.identity().trustDomain()
                        + " (expected: " + options.trustDomain() + ")");
            }
            Duration wait = limiter.acquire(claims.identity().uri());
            if (!wait.isZero()) {
                throw new IssuanceException(Reason.RATE_LIMITED, "rate limited: " + claims.identity()
                        + " asked for too many certificates (retry in " + Math.max(1, wait.toSeconds()) + "s)", wait);
            }
            PKCS10CertificationRequest csr;
            try {
                csr = Pem.readCsr(csrPem == null ? "" : csrPem);
            } catch (IllegalArgumentException e) {
                throw new IssuanceException(Reason.BAD_REQUEST, e.getMessage());
            }
            IssuedCertificate cert = sign(csr, claims.identity(), ttl);
            issued.incrementAndGet();
            log.info("issued a certificate for {} valid until {}", cert.identity(), cert.notAfter());
            return cert;
        } catch (IssuanceException e) {
            refused.get(e.reason()).incrementAndGet();
            log.warn("refused a certificate: {}", e.getMessage());
            throw e;
        }
    }

    /** Signs a request already authenticated as {@code identity} (CSR policy still applies). */
    public IssuedCertificate sign(PKCS10CertificationRequest csr, SpiffeId identity, Duration ttl) {
        Duration lifetime = ttl == null ? options.defaultTtl() : ttl;
        if (lifetime.isNegative() || lifetime.isZero()) {
            throw new IssuanceException(Reason.BAD_REQUEST, "ttl: " + lifetime + " (expected: > 0)");
        }
        if (lifetime.compareTo(options.maxTtl()) > 0) {
            lifetime = options.maxTtl();
        }
        PublicKey key = CsrPolicy.check(csr, identity);
        SigningCa ca = signing;
        Instant now = options.clock().instant();
        Instant notAfter = now.plus(lifetime);
        Instant caNotAfter = ca.certificate().getNotAfter().toInstant();
        if (notAfter.isAfter(caNotAfter)) {
            notAfter = caNotAfter; // never outlive the signer
        }
        X509Certificate leaf = X509Issuer.workload(key, identity, ca.certificate(), ca.key(), now.minus(BACKDATE), notAfter);
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(leaf);
        chain.addAll(ca.chainAboveLeaf());
        return new IssuedCertificate(identity, chain, ca.trustBundle());
    }

    /** Root rotation step 1: trust a new root (served in the trust bundle) while the current one signs. */
    public synchronized void addNextRoot() {
        rotate(() -> directory.addNextRoot(options.trustDomain(), options.clock().instant(), options.rootTtl()));
    }

    /** Step 2: sign with the new root; the old stays trusted. */
    public synchronized void activateNextRoot() {
        rotate(directory::activateNextRoot);
    }

    /** Step 3: stop trusting the old root. */
    public synchronized void retirePreviousRoot() {
        rotate(directory::retirePreviousRoot);
    }

    private interface Step {
        void run() throws IOException;
    }

    private void rotate(Step step) {
        try {
            step.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        signing = directory.loadOrCreate(options.trustDomain(), options.clock().instant(), options.rootTtl());
        log.info("root rotation: signing with {}, {} trusted root(s)", signing.certificate().getSubjectX500Principal(),
                signing.trustBundle().size());
        for (Runnable l : rootListeners) {
            try {
                l.run();
            } catch (RuntimeException e) {
                log.warn("root rotation listener failed: {}", e.toString());
            }
        }
    }

    public long issuedCount() {
        return issued.get();
    }

    public long refusedCount(Reason reason) {
        return refused.get(reason).get();
    }
}
