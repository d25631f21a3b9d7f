package dev.trellis.bench.load;

/** The wire protocol the generator speaks to its target; {@link Connector} picks the connection for each. */
public enum Protocol {
    /** HTTP/1.1 with keep-alive, one request in flight per connection (no pipelining). */
    HTTP1,
    /** HTTP/2 over cleartext with prior knowledge; many concurrent streams per connection. */
    H2C,
    /** Unary gRPC calls over h2c: one stream per call, success only with grpc-status 0. */
    GRPC;

    /** Requests one connection may carry at once, before the peer's own limits. */
    int maxInFlightPerConnection() {
        return this == HTTP1 ? 1 : Integer.MAX_VALUE;
    }
}
