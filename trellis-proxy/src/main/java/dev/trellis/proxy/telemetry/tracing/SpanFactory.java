package dev.trellis.proxy.telemetry.tracing;

import dev.trellis.proxy.telemetry.RequestObserver;
import io.netty.handler.codec.http.HttpRequest;
import java.time.Duration;

/**
 * Starts recorded spans for one exporter. Its implementation is the only door to the OpenTelemetry SDK, so that
 * nothing of the SDK is loaded until a sampled request needs it.
 */
interface SpanFactory {

    /** A span for a sampled request, child of the caller's context when it sent one. */
    RequestObserver start(String direction, HttpRequest request, TracePropagation.Extracted caller);

    /** Exports what is pending and stops, waiting up to {@code timeout}. */
    void close(Duration timeout);
}
