package dev.trellis.demo.app;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/** Makes the trace headers of a gRPC call available to its handler through {@link TraceHeaders#current()}. */
public final class TraceServerInterceptor implements ServerInterceptor {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        Context context = Context.current().withValue(TraceHeaders.CONTEXT_KEY, TraceHeaders.from(headers));
        return Contexts.interceptCall(context, call, headers, next);
    }
}
