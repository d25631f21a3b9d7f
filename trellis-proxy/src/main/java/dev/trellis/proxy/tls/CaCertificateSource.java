package dev.trellis.proxy.tls;

import java.net.URI;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The identity from the control plane's CA: a fresh key and CSR for the identity the bootstrap token is
 * bound to, sent through a {@link CertificateIssuer} (REST or gRPC); renewed at 70% of the certificate's
 * life (a new key each time); failures retried with capped exponential backoff, honouring Retry-After.
 *
 * <p>The trust bundle: pushed by the control plane over ADS (SDS {@code ROOTCA}) when the sidecar has an
 * ADS stream, applied at once; otherwise (standalone mode, or while the stream is down) re-read every
 * {@code bundleRefresh} when the issuer can poll it. Either way a root the CA adds during a rotation is
 * trusted before any certificate it signs is presented. Everything runs on one thread.
 */
public final class CaCertificateSource implements CertificateSource {
    private static final Logger log = LoggerFactory.getLogger(CaCertificateSource.class);
    static final Duration MIN_BACKOFF = Duration.ofMillis(500);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final CertificateIssuer issuer;
    private final Supplier<String> token;
    private final Duration ttl;
    private final Duration bundleRefresh;
    private final Clock clock;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "trellis-identity-ca");
        t.setDaemon(true);
        return t;
    });
    private Consumer<WorkloadIdentity> onIdentity;
    private WorkloadIdentity current;
    private Duration backoff = MIN_BACKOFF;
    /** The last bundle the control plane pushed, null before any. */
    private List<X509Certificate> pushed;
    private boolean pushLive;

    /** Over the REST API at {@code base}, e.g. http://127.0.0.1:15080. */
    public CaCertificateSource(URI base, Supplier<String> token, Duration ttl, Duration bundleRefresh, Clock clock) {
        this(new RestCertificateIssuer(base), token, ttl, bundleRefresh, clock);
    }

    /**
     * @param token         the bootstrap token, read again at each renewal (a token file may be replaced)
     * @param ttl           the certificate lifetime to ask for, or null for the CA's default
     * @param bundleRefresh how often the trust bundle is re-read when it is not pushed
     */
    public CaCertificateSource(CertificateIssuer issuer, Supplier<String> token, Duration ttl, Duration bundleRefresh, Clock clock) {
        this.issuer = issuer;
        this.token = token;
        this.ttl = ttl;
        this.bundleRefresh = bundleRefresh;
        this.clock = clock;
    }

    @Override
    public void start(Consumer<WorkloadIdentity> onIdentity) {
        this.onIdentity = onIdentity;
        scheduler.execute(this::renew);
        long every = bundleRefresh.toMillis();
        scheduler.scheduleWithFixedDelay(this::refreshBundle, every, every, TimeUnit.MILLISECONDS);
    }

    private void renew() {
        try {
            WorkloadIdentity id = request();
            current = id;
            backoff = MIN_BACKOFF;
            Duration next = RenewalPolicy.delay(clock.instant(), id.notAfter());
            log.info("workload identity {} from the CA at {} (valid until {}; renewing in {})", id.spiffeId(), issuer.describe(),
                    id.notAfter(), next);
            onIdentity.accept(id);
            scheduler.schedule(this::renew, next.toMillis(), TimeUnit.MILLISECONDS);
        } catch (CertificateIssuer.RetryAfter e) {
            log.warn("certificate request to {}: {} (retrying in {})", issuer.describe(), e.getMessage(), e.after());
            scheduler.schedule(this::renew, e.after().toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.warn("certificate request to {}: {} (retrying in {})", issuer.describe(), e.getMessage(), backoff);
            scheduler.schedule(this::renew, backoff.toMillis(), TimeUnit.MILLISECONDS);
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
    }

    private WorkloadIdentity request() throws Exception {
        String bearer = token.get();
        String spiffeId = CertificateRequests.tokenIdentity(bearer);
        KeyPair keys = CertificateRequests.newKeyPair();
        CertificateIssuer.Issued issued = issuer.issue(bearer.trim(), CertificateRequests.csr(keys, spiffeId), ttl);
        return new WorkloadIdentity(keys.getPrivate(), issued.chain(), bundleWith(issued.trustBundle()));
    }

    /**
     * What to trust with a new certificate: the CA's answer, joined by the last pushed bundle when pushes
     * are live or the issuer cannot poll (a gRPC answer names one root; the push names all of them).
     */
    private List<X509Certificate> bundleWith(List<X509Certificate> answered) {
        if (pushed == null || (!pushLive && issuerPolls())) {
            return answered;
        }
        LinkedHashSet<X509Certificate> all = new LinkedHashSet<>(pushed);
        all.addAll(answered);
        return new ArrayList<>(all);
    }

    private boolean issuerPolls() {
        return issuer.pollsTrustBundle();
    }

    private void refreshBundle() {
        if (current == null || pushLive) {
            return;
        }
        try {
            Optional<List<X509Certificate>> bundle = issuer.trustBundle();
            bundle.ifPresent(b -> replaceBundle(b, "from " + issuer.describe()));
        } catch (Exception e) {
            log.warn("trust bundle from {}: {}", issuer.describe(), e.getMessage());
        }
    }

    private void replaceBundle(List<X509Certificate> bundle, String from) {
        WorkloadIdentity id = current;
        if (id == null || bundle.equals(id.trustBundle())) {
            return;
        }
        WorkloadIdentity updated = id.withTrustBundle(bundle);
        current = updated;
        log.info("trust bundle changed ({}): {} root(s)", from, bundle.size());
        onIdentity.accept(updated);
    }

    @Override
    public void trustBundlePushed(List<X509Certificate> roots) {
        List<X509Certificate> copy = List.copyOf(roots);
        scheduler.execute(() -> {
            pushed = copy;
            pushLive = true;
            replaceBundle(copy, "pushed by the control plane");
        });
    }

    @Override
    public void trustBundlePushLive(boolean live) {
        scheduler.execute(() -> {
            if (pushLive && !live) {
                log.info("trust bundle pushes stopped; {}", issuerPolls() ? "polling " + issuer.describe() : "keeping the last one");
            }
            pushLive = live && pushed != null;
        });
    }

    @Override
    public String describe() {
        return "CA at " + issuer.describe();
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        issuer.close();
    }
}
