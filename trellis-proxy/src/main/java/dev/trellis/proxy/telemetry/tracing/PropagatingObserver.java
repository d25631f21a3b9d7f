package dev.trellis.proxy.telemetry.tracing;

import dev.trellis.proxy.telemetry.RequestObserver;
import dev.trellis.proxy.telemetry.RequestOutcome;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * An unsampled request: no span is recorded, but the trace goes on upstream with a span id of this hop and the
 * sampled flag off, so every later hop agrees not to record it either.
 */
final class PropagatingObserver implements RequestObserver {
    private final TracePropagation.Extracted caller;
    private final TraceContext span;

    PropagatingObserver(TracePropagation.Extracted caller) {
        this(caller, false);
    }

    /** @param sampled the flag passed on: true only when the span should have been recorded but cannot be */
    PropagatingObserver(TracePropagation.Extracted caller, boolean sampled) {
        this.caller = caller;
        TraceContext parent = caller.parent();
        this.span = parent != null ? parent.child(TraceContext.newSpanId(), sampled)
                : new TraceContext(TraceContext.newTraceId(), TraceContext.newSpanId(), sampled, null);
    }

    @Override
    public void onAttempt(int attempt, String endpoint, HttpHeaders upstreamHeaders) {
        TracePropagation.inject(upstreamHeaders, span, caller.parent() == null ? null : caller.parent().spanId(), caller);
        RequestIds.ensure(upstreamHeaders);
    }

    @Override
    public void onEnd(RequestOutcome outcome) {
    }
}
