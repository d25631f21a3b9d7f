package dev.trellis.proxy.tls;

import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * How a CSR reaches the mesh's CA: the control plane's REST API ({@link RestCertificateIssuer}) or Istio's
 * gRPC certificate service on its xDS port (in the proxy's {@code ca} package, which keeps gRPC out of here).
 */
public interface CertificateIssuer extends AutoCloseable {

    /**
     * @param chain       the workload certificate first, then intermediates
     * @param trustBundle the roots to trust, as far as the answer tells (over gRPC: the one root of the chain)
     */
    record Issued(List<X509Certificate> chain, List<X509Certificate> trustBundle) {
        public Issued {
            chain = List.copyOf(chain);
            trustBundle = List.copyOf(trustBundle);
        }
    }

    /** Thrown when the CA asks the caller to wait (rate limited) before trying again. */
    final class RetryAfter extends IOException {
        private final Duration after;

        public RetryAfter(String message, Duration after) {
            super(message);
            this.after = after;
        }

        public Duration after() {
            return after;
        }
    }

    /**
     * @param ttl null for the CA's default
     * @throws RetryAfter when rate limited; IOException with the CA's reason otherwise
     */
    Issued issue(String token, String csrPem, Duration ttl) throws IOException;

    /** The CA's current trust bundle, when this transport can poll it; empty when it cannot (pushed over SDS instead). */
    Optional<List<X509Certificate>> trustBundle() throws IOException;

    /** Whether {@link #trustBundle()} can answer (REST); a gRPC issuer relies on the pushed bundle. */
    default boolean pollsTrustBundle() {
        return true;
    }

    /** For logs: "http://127.0.0.1:15080", "grpc://127.0.0.1:15010". */
    String describe();

    @Override
    default void close() {}
}
