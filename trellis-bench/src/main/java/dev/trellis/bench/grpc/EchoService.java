package dev.trellis.bench.grpc;

import dev.trellis.proxy.grpc.BytesMarshaller;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code trellis.bench.Echo/Call}, the one unary method of the benchmark's gRPC backend: it ignores the request
 * and answers with a fixed message, except that every {@code failEvery}-th call ends with UNAVAILABLE.
 */
final class EchoService {
    static final String SERVICE = "trellis.bench.Echo";
    static final MethodDescriptor<byte[], byte[]> CALL = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "Call"))
            .setRequestMarshaller(BytesMarshaller.INSTANCE)
            .setResponseMarshaller(BytesMarshaller.INSTANCE)
            .build();

    private final byte[] response;
    private final int failEvery;
    private final AtomicLong calls = new AtomicLong();

    /** @param failEvery 0 never fails */
    EchoService(int responseBytes, int failEvery) {
        if (responseBytes < 0 || failEvery < 0) {
            throw new IllegalArgumentException("responseBytes " + responseBytes + ", failEvery " + failEvery
                    + " (expected: >= 0)");
        }
        this.response = new byte[responseBytes];
        Arrays.fill(response, (byte) 'x');
        this.failEvery = failEvery;
    }

    ServerServiceDefinition definition() {
        return ServerServiceDefinition.builder(SERVICE)
                .addMethod(CALL, ServerCalls.asyncUnaryCall(this::call))
                .build();
    }

    private void call(byte[] request, StreamObserver<byte[]> responses) {
        if (failEvery > 0 && calls.incrementAndGet() % failEvery == 0) {
            responses.onError(Status.UNAVAILABLE.withDescription("every " + failEvery + "th call fails")
                    .asRuntimeException());
            return;
        }
        responses.onNext(response);
        responses.onCompleted();
    }
}
