package dev.trellis.proxy.tls;

import java.util.concurrent.atomic.LongAdder;

/** Counters of mutual TLS outcomes, by direction. */
public final class TlsStats {
    final LongAdder inboundHandshakes = new LongAdder();
    final LongAdder inboundFailures = new LongAdder();
    final LongAdder inboundUnknownPeer = new LongAdder();
    final LongAdder plaintextRefused = new LongAdder();
    final LongAdder plaintextAccepted = new LongAdder();
    final LongAdder outboundHandshakes = new LongAdder();
    final LongAdder outboundFailures = new LongAdder();
    final LongAdder outboundIdentityMismatch = new LongAdder();
    final LongAdder outboundPlaintext = new LongAdder();
    final LongAdder refreshes = new LongAdder();

    /** A plaintext inbound connection on a listener with mutual TLS: accepted (PERMISSIVE) or refused (STRICT). */
    public void countPlaintext(boolean accepted) {
        (accepted ? plaintextAccepted : plaintextRefused).increment();
    }

    public long inboundHandshakes() { return inboundHandshakes.sum(); }
    public long inboundFailures() { return inboundFailures.sum(); }
    public long inboundUnknownPeer() { return inboundUnknownPeer.sum(); }
    public long plaintextRefused() { return plaintextRefused.sum(); }
    public long plaintextAccepted() { return plaintextAccepted.sum(); }
    public long outboundHandshakes() { return outboundHandshakes.sum(); }
    public long outboundFailures() { return outboundFailures.sum(); }
    public long outboundIdentityMismatch() { return outboundIdentityMismatch.sum(); }
    public long outboundPlaintext() { return outboundPlaintext.sum(); }
    public long refreshes() { return refreshes.sum(); }
}
