package dev.trellis.proxy.tls;

import dev.trellis.proxy.metrics.ProxyMetrics;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This proxy's mutual TLS state: the workload identity in force and the TLS contexts built from it. A new
 * identity (a renewal, a rotated root) builds new contexts off the event loops and swaps them in with one
 * volatile write: new connections use them, established connections carry on undisturbed.
 */
public final class ProxyTls implements AutoCloseable, TrustBundleListener {
    private static final Logger log = LoggerFactory.getLogger(ProxyTls.class);

    /** The contexts of one identity. {@code clientH2}/{@code clientHttp1} offer that ALPN; {@code clientOpaque} none. */
    public record Material(WorkloadIdentity identity, SslContext server, SslContext clientH2, SslContext clientHttp1,
                           SslContext clientOpaque, long generation) {}

    private final CertificateSource source;
    private final TlsStats stats = new TlsStats();
    private final AtomicBoolean metricsRegistered = new AtomicBoolean();
    private volatile Material current;

    private ProxyTls(CertificateSource source) {
        this.source = source;
    }

    /**
     * No source: no identity until {@link #update} hands one over (until then STRICT listeners refuse every
     * connection and clusters with mutual TLS are reached in plaintext).
     */
    public static ProxyTls none() {
        return new ProxyTls(null);
    }

    /** Starts the source; the first identity may arrive later (a CA) or already be in force (files). */
    public static ProxyTls from(CertificateSource source) {
        ProxyTls tls = new ProxyTls(source);
        log.info("workload identity from {} (TLS provider {})", source.describe(), SslContexts.provider());
        source.start(tls::update);
        return tls;
    }

    /** From the TRELLIS_* environment variables (see {@link IdentitySource#fromEnvironment}). */
    public static ProxyTls fromEnvironment() {
        return from(IdentitySource.fromEnvironment(System.getenv()));
    }

    /** Starts the identity source the proxy was configured with; {@link IdentitySource#NONE} gives {@link #none()}. */
    public static ProxyTls from(IdentitySource source) {
        return from(source, address -> {
            throw new IllegalArgumentException("CA address " + address + ": gRPC is not available here (expected: http://HOST:PORT)");
        });
    }

    /**
     * As {@link #from(IdentitySource)}, with the CA reached over gRPC when its address is {@code grpc://HOST:PORT}
     * (the control plane's xDS port).
     *
     * @param grpc makes the gRPC issuer for a HOST:PORT
     */
    public static ProxyTls from(IdentitySource source, java.util.function.Function<String, CertificateIssuer> grpc) {
        if (source.fromFiles()) {
            return from(new FileCertificateSource(source.identityDir(), Duration.ofSeconds(1)));
        }
        if (source.fromCa()) {
            String ca = source.caAddress();
            if (source.token() == null && source.tokenFile() == null) {
                throw new IllegalArgumentException("CA address " + ca + " without a bootstrap token (expected: --token-file, "
                        + "TRELLIS_TOKEN or TRELLIS_TOKEN_FILE, from `trellis token create --service NAME`)");
            }
            String inline = source.token();
            Path file = source.tokenFile();
            java.util.function.Supplier<String> token = inline != null ? () -> inline : () -> {
                try {
                    return Files.readString(file, StandardCharsets.US_ASCII).trim();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException("token file " + file + ": " + e.getMessage(), e);
                }
            };
            CertificateIssuer issuer = ca.startsWith(IdentitySource.GRPC_SCHEME)
                    ? grpc.apply(ca.substring(IdentitySource.GRPC_SCHEME.length()))
                    : new RestCertificateIssuer(URI.create(ca.startsWith("http") ? ca : "http://" + ca));
            return from(new CaCertificateSource(issuer, token, source.certTtl(), source.bundleRefresh(), Clock.systemUTC()));
        }
        return none();
    }

    static Duration parseDuration(String text) {
        String t = text.trim();
        try {
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            long n = Long.parseLong(t.substring(0, t.length() - 1));
            return switch (t.charAt(t.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                case 'd' -> Duration.ofDays(n);
                default -> throw new NumberFormatException();
            };
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("duration: " + text + " (expected: e.g. 90s, 30m, 24h, 7d)");
        }
    }

    /** Swaps in a new identity; keeps the old one when contexts cannot be built from it. */
    public void update(WorkloadIdentity id) {
        try {
            Material previous = current;
            Material next = new Material(id, SslContexts.server(id),
                    SslContexts.client(id, ApplicationProtocolNames.HTTP_2),
                    SslContexts.client(id, ApplicationProtocolNames.HTTP_1_1),
                    SslContexts.client(id), previous == null ? 1 : previous.generation() + 1);
            current = next;
            stats.refreshes.increment();
        } catch (SSLException | RuntimeException e) {
            log.error("workload identity {}: cannot build TLS contexts: {} (keeping the previous identity)", id.spiffeId(), e.toString());
        }
    }

    @Override
    public void trustBundlePushed(java.util.List<java.security.cert.X509Certificate> roots) {
        if (source != null) {
            source.trustBundlePushed(roots);
        }
    }

    @Override
    public void trustBundlePushLive(boolean live) {
        if (source != null) {
            source.trustBundlePushLive(live);
        }
    }

    /** The identity in force, or null before the first one arrived. */
    public Material current() {
        return current;
    }

    public TlsStats stats() {
        return stats;
    }

    /** Adds the TLS and identity series to the proxy's /metrics (once). */
    public void registerMetrics(ProxyMetrics metrics) {
        if (!metricsRegistered.compareAndSet(false, true)) {
            return;
        }
        metrics.gauge("identity_cert_expiration_timestamp_seconds", () -> {
            Material m = current;
            return m == null ? 0 : m.identity().notAfter().getEpochSecond();
        });
        metrics.family("identity_cert_expiry_timestamp_seconds", out -> {
            Material m = current;
            if (m != null) {
                out.add("identity=\"" + ProxyMetrics.escape(m.identity().spiffeId()) + "\"", m.identity().notAfter().getEpochSecond());
            }
        });
        metrics.gauge("identity_cert_refresh_total", stats::refreshes);
        metrics.gauge("identity_trust_bundle_roots", () -> {
            Material m = current;
            return m == null ? 0 : m.identity().trustBundle().size();
        });
        metrics.gauge("tls_handshake_total{direction=\"inbound\",result=\"success\"}", stats::inboundHandshakes);
        metrics.gauge("tls_handshake_total{direction=\"inbound\",result=\"failure\"}", stats::inboundFailures);
        metrics.gauge("tls_handshake_total{direction=\"inbound\",result=\"unknown_peer\"}", stats::inboundUnknownPeer);
        metrics.gauge("tls_handshake_total{direction=\"outbound\",result=\"success\"}", stats::outboundHandshakes);
        metrics.gauge("tls_handshake_total{direction=\"outbound\",result=\"failure\"}", stats::outboundFailures);
        metrics.gauge("tls_handshake_total{direction=\"outbound\",result=\"identity_mismatch\"}", stats::outboundIdentityMismatch);
        metrics.gauge("tls_plaintext_total{direction=\"inbound\",result=\"refused\"}", stats::plaintextRefused);
        metrics.gauge("tls_plaintext_total{direction=\"inbound\",result=\"accepted\"}", stats::plaintextAccepted);
        metrics.gauge("tls_plaintext_total{direction=\"outbound\",result=\"no_identity\"}", stats::outboundPlaintext);
    }

    @Override
    public void close() {
        if (source != null) {
            source.close();
        }
    }
}
