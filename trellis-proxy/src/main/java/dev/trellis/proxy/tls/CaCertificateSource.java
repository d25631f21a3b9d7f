package dev.trellis.proxy.tls;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The identity from the control plane's CA: a fresh key and CSR for the identity the bootstrap token is
 * bound to, sent to {@code POST /api/v1/certificates}; renewed at 70% of the certificate's life (a new
 * key each time); failures retried with capped exponential backoff, honouring Retry-After. The trust
 * bundle is re-read every {@code bundleRefresh} from {@code GET /api/v1/trust-bundle}, so a root the CA
 * adds during a rotation is trusted before any certificate it signs is presented.
 */
public final class CaCertificateSource implements CertificateSource {
    private static final Logger log = LoggerFactory.getLogger(CaCertificateSource.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Duration MIN_BACKOFF = Duration.ofMillis(500);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final URI base;
    private final Supplier<String> token;
    private final Duration ttl;
    private final Duration bundleRefresh;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "trellis-identity-ca");
        t.setDaemon(true);
        return t;
    });
    private Consumer<WorkloadIdentity> onIdentity;
    private WorkloadIdentity current;
    private Duration backoff = MIN_BACKOFF;

    /**
     * @param base          the control plane's API, e.g. http://127.0.0.1:15080
     * @param token         the bootstrap token, read again at each renewal (a token file may be replaced)
     * @param ttl           the certificate lifetime to ask for, or null for the CA's default
     * @param bundleRefresh how often the trust bundle is re-read
     */
    public CaCertificateSource(URI base, Supplier<String> token, Duration ttl, Duration bundleRefresh, Clock clock) {
        this.base = base;
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
            log.info("workload identity {} from the CA at {} (valid until {}; renewing in {})", id.spiffeId(), base,
                    id.notAfter(), next);
            onIdentity.accept(id);
            scheduler.schedule(this::renew, next.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RetryAfter e) {
            log.warn("certificate request to {}: {} (retrying in {})", base, e.getMessage(), e.after);
            scheduler.schedule(this::renew, e.after.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.warn("certificate request to {}: {} (retrying in {})", base, e.getMessage(), backoff);
            scheduler.schedule(this::renew, backoff.toMillis(), TimeUnit.MILLISECONDS);
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
    }

    private WorkloadIdentity request() throws IOException, InterruptedException {
        String bearer = token.get();
        String spiffeId = CertificateRequests.tokenIdentity(bearer);
        KeyPair keys = CertificateRequests.newKeyPair();
        var body = JSON.createObjectNode().put("csr", CertificateRequests.csr(keys, spiffeId));
        if (ttl != null) {
            body.put("ttlSeconds", ttl.toSeconds());
        }
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/api/v1/certificates"))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + bearer.trim())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = JSON.readTree(r.body().isEmpty() ? "{}" : r.body());
        if (r.statusCode() == 429) {
            long seconds = r.headers().firstValueAsLong("Retry-After").orElse(1);
            throw new RetryAfter("429 " + json.path("error").asText(), Duration.ofSeconds(Math.max(1, seconds)));
        }
        if (r.statusCode() != 200) {
            throw new IOException(r.statusCode() + " " + json.path("error").asText(r.body()));
        }
        List<X509Certificate> chain = PemFiles.certificates(json.path("certificateChain").asText(), "certificateChain");
        List<X509Certificate> bundle = PemFiles.certificates(json.path("trustBundle").asText(), "trustBundle");
        return new WorkloadIdentity(keys.getPrivate(), chain, bundle);
    }

    private void refreshBundle() {
        WorkloadIdentity id = current;
        if (id == null) {
            return;
        }
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/api/v1/trust-bundle"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IOException("status " + r.statusCode());
            }
            List<X509Certificate> bundle = PemFiles.certificates(r.body(), "trust bundle");
            if (!bundle.equals(id.trustBundle())) {
                WorkloadIdentity updated = id.withTrustBundle(bundle);
                current = updated;
                log.info("trust bundle changed: {} root(s)", bundle.size());
                onIdentity.accept(updated);
            }
        } catch (Exception e) {
            log.warn("trust bundle from {}: {}", base, e.getMessage());
        }
    }

    @Override
    public String describe() {
        return "CA at " + base;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }

    private static final class RetryAfter extends IOException {
        final Duration after;

        RetryAfter(String message, Duration after) {
            super(message);
            this.after = after;
        }
    }
}
