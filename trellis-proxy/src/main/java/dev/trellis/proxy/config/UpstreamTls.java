package dev.trellis.proxy.config;

import java.util.List;
import java.util.Objects;

/**
 * Mutual TLS towards a cluster's meshed endpoints (those where a Trellis sidecar answers): the proxy
 * presents its own workload certificate and accepts the peer only if its certificate chains to the trust
 * bundle and carries one of {@code peerIdentities} as its SPIFFE ID.
 *
 * @param peerIdentities the SPIFFE IDs the destination may prove (at least one)
 * @param sni            the server name to send, or null for none
 */
public record UpstreamTls(List<String> peerIdentities, String sni) {
    public UpstreamTls {
        peerIdentities = List.copyOf(Objects.requireNonNull(peerIdentities, "peerIdentities"));
        if (peerIdentities.isEmpty()) {
            throw new IllegalArgumentException("peerIdentities: [] (expected: at least one SPIFFE ID)");
        }
    }

    public static UpstreamTls of(String peerIdentity) {
        return new UpstreamTls(List.of(peerIdentity), null);
    }
}
