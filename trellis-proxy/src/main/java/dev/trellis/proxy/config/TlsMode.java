package dev.trellis.proxy.config;

/**
 * Mutual TLS on an inbound listener (Istio's PeerAuthentication modes).
 * <ul>
 * <li>DISABLE: plaintext only (a TLS handshake is treated like any other opaque bytes);</li>
 * <li>PERMISSIVE: mutual TLS and plaintext both accepted, for migrations;</li>
 * <li>STRICT: mutual TLS only; plaintext connections are closed.</li>
 * </ul>
 * A TLS connection always requires a client certificate that chains to the trust bundle.
 */
public enum TlsMode {
    DISABLE,
    PERMISSIVE,
    STRICT;

    public boolean acceptsTls() {
        return this != DISABLE;
    }

    public boolean acceptsPlaintext() {
        return this != STRICT;
    }
}
