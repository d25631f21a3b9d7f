package dev.trellis.controlplane.ca;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A signed workload certificate.
 *
 * @param chain       the workload certificate first, then any intermediates (never the root)
 * @param trustBundle the roots peers are verified against
 */
public record IssuedCertificate(SpiffeId identity, List<X509Certificate> chain, List<X509Certificate> trustBundle) {
    public IssuedCertificate {
        Objects.requireNonNull(identity, "identity");
        chain = List.copyOf(chain);
        trustBundle = List.copyOf(trustBundle);
    }

    public Instant notAfter() {
        return chain.get(0).getNotAfter().toInstant();
    }
}
