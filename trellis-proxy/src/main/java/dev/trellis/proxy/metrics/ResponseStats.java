package dev.trellis.proxy.metrics;

import java.util.concurrent.atomic.LongAdder;

/** Responses of one route with one status code (and gRPC status): a count and their latency. */
public final class ResponseStats {
    final int statusCode;
    final String grpcStatus;
    final boolean success;
    final LongAdder total = new LongAdder();
    final LatencyHistogram latency = new LatencyHistogram();

    ResponseStats(int statusCode, String grpcStatus, boolean success) {
        this.statusCode = statusCode;
        this.grpcStatus = grpcStatus;
        this.success = success;
    }

    public void record(long latencyNanos) {
        total.increment();
        latency.recordNanos(latencyNanos);
    }
}
