package dev.trellis.bench.load;

/**
 * The client side of one connection, driven from its event loop only. It writes requests and reports every
 * response (or failure) of a request it accepted to its {@link ExchangeListener}, exactly once.
 */
interface ClientConnection {

    /** Whether another request may start now, within the protocol's and the peer's concurrency limits. */
    boolean canSend();

    /** Writes one request whose latency is measured from {@code startNanos}; {@link #flush()} sends it. */
    void send(long startNanos);

    void flush();

    void close();
}
