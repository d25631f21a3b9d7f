package dev.trellis.proxy.testing;

import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real grpc-java server with one method of each kind, on strings, without code generation:
 * Unary echoes; ClientStream joins; ServerStream sends N replies; Bidi echoes each message;
 * Fail answers with the status named in the request; Hang never answers (for cancellation).
 */
public final class GrpcEcho implements AutoCloseable {
    public static final String SERVICE = "trellis.test.Echo";

    public static final MethodDescriptor.Marshaller<String> STRING = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(String value) {
            return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
            try {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    };

    public static final MethodDescriptor<String, String> UNARY = method("Unary", MethodDescriptor.MethodType.UNARY);
    public static final MethodDescriptor<String, String> CLIENT_STREAM = method("ClientStream", MethodDescriptor.MethodType.CLIENT_STREAMING);
    public static final MethodDescriptor<String, String> SERVER_STREAM = method("ServerStream", MethodDescriptor.MethodType.SERVER_STREAMING);
    public static final MethodDescriptor<String, String> BIDI = method("Bidi", MethodDescriptor.MethodType.BIDI_STREAMING);
    public static final MethodDescriptor<String, String> FAIL = method("Fail", MethodDescriptor.MethodType.UNARY);
    public static final MethodDescriptor<String, String> HANG = method("Hang", MethodDescriptor.MethodType.UNARY);

    private final Server server;
    public final AtomicInteger cancelled = new AtomicInteger();
    public final CountDownLatch hangStarted = new CountDownLatch(1);
    /** Unary calls answered. */
    public final AtomicInteger unaryCalls = new AtomicInteger();
    /** What each finished client stream joined to, in order. */
    public final List<String> clientStreams = new CopyOnWriteArrayList<>();

    private static MethodDescriptor<String, String> method(String name, MethodDescriptor.MethodType type) {
        return MethodDescriptor.<String, String>newBuilder().setType(type)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
                .setRequestMarshaller(STRING).setResponseMarshaller(STRING).build();
    }

    private GrpcEcho() throws IOException {
        ServerServiceDefinition def = ServerServiceDefinition.builder(SERVICE)
                .addMethod(UNARY, ServerCalls.asyncUnaryCall((req, out) -> {
                    unaryCalls.incrementAndGet();
                    out.onNext("echo:" + req);
                    out.onCompleted();
                }))
                .addMethod(CLIENT_STREAM, ServerCalls.asyncClientStreamingCall(out -> new StreamObserver<String>() {
                    private final StringBuilder all = new StringBuilder();

                    @Override
                    public void onNext(String value) {
                        all.append(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                    }

                    @Override
                    public void onCompleted() {
                        clientStreams.add(all.toString());
                        out.onNext(all.toString());
                        out.onCompleted();
                    }
                }))
                .addMethod(SERVER_STREAM, ServerCalls.asyncServerStreamingCall((req, out) -> {
                    int n = Integer.parseInt(req);
                    for (int i = 0; i < n; i++) {
                        out.onNext("item-" + i);
                    }
                    out.onCompleted();
                }))
                .addMethod(BIDI, ServerCalls.asyncBidiStreamingCall(out -> new StreamObserver<String>() {
                    @Override
                    public void onNext(String value) {
                        out.onNext("re:" + value);
                    }

                    @Override
                    public void onError(Throwable t) {
                    }

                    @Override
                    public void onCompleted() {
                        out.onCompleted();
                    }
                }))
                .addMethod(FAIL, ServerCalls.asyncUnaryCall((req, out) ->
                        out.onError(Status.fromCodeValue(Integer.parseInt(req)).withDescription("asked to fail").asRuntimeException())))
                .addMethod(HANG, ServerCalls.asyncUnaryCall((req, out) -> {
                    ((io.grpc.stub.ServerCallStreamObserver<String>) out).setOnCancelHandler(cancelled::incrementAndGet);
                    hangStarted.countDown();
                }))
                .build();
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(def).build().start();
    }

    public static GrpcEcho start() throws IOException {
        return new GrpcEcho();
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.shutdownNow();
    }
}
