package dev.trellis.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.trellis.proxy.config.ClusterConfig.UpstreamProtocol;
import dev.trellis.proxy.config.Endpoint;
import dev.trellis.proxy.testing.GrpcEcho;
import dev.trellis.proxy.testing.ProxyUnderTest;
import dev.trellis.proxy.testing.Snapshots;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** grpc-java client and server on either side of two sidecars: every call kind, statuses, deadlines, cancellation. */
class GrpcProxyTest {
    private GrpcEcho app;
    private ProxyUnderTest server;
    private ProxyUnderTest caller;
    private ManagedChannel channel;

    @BeforeEach
    void setUp() throws Exception {
        app = GrpcEcho.start();
        server = ProxyUnderTest.start("echo", Snapshots.builder().app(app.port(), UpstreamProtocol.HTTP2).build());
        caller = ProxyUnderTest.start("client", Snapshots.builder()
                .service("echo", UpstreamProtocol.HTTP2, new Endpoint("127.0.0.1", server.inbound(), 1, Map.of(), true))
                .build());
        channel = NettyChannelBuilder.forAddress("127.0.0.1", caller.outbound()).overrideAuthority("echo:8080")
                .usePlaintext().build();
    }

    @AfterEach
    void tearDown() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        caller.close();
        server.close();
        app.close();
    }

    @Test
    void unary() {
        assertThat(ClientCalls.blockingUnaryCall(channel, GrpcEcho.UNARY, CallOptions.DEFAULT, "hi")).isEqualTo("echo:hi");
    }

    @Test
    void serverStreaming() {
        Iterator<String> it = ClientCalls.blockingServerStreamingCall(channel, GrpcEcho.SERVER_STREAM, CallOptions.DEFAULT, "500");
        List<String> all = new ArrayList<>();
        it.forEachRemaining(all::add);
        assertThat(all).hasSize(500).startsWith("item-0").endsWith("item-499");
    }

    @Test
    void clientStreamingAndBidi() throws Exception {
        CompletableFuture<String> joined = new CompletableFuture<>();
        StreamObserver<String> req = ClientCalls.asyncClientStreamingCall(channel.newCall(GrpcEcho.CLIENT_STREAM, CallOptions.DEFAULT),
                observer(joined, new ArrayList<>()));
        for (int i = 0; i < 100; i++) {
            req.onNext(Integer.toString(i % 10));
        }
        req.onCompleted();
        assertThat(joined.get(10, TimeUnit.SECONDS)).hasSize(100);

        CompletableFuture<String> bidiDone = new CompletableFuture<>();
        List<String> replies = new ArrayList<>();
        StreamObserver<String> bidi = ClientCalls.asyncBidiStreamingCall(channel.newCall(GrpcEcho.BIDI, CallOptions.DEFAULT),
                observer(bidiDone, replies));
        bidi.onNext("a");
        bidi.onNext("b");
        bidi.onCompleted();
        bidiDone.get(10, TimeUnit.SECONDS);
        assertThat(replies).containsExactly("re:a", "re:b");
    }

    @Test
    void errorStatusesCrossInTrailersAndAreCounted() throws Exception {
        assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(channel, GrpcEcho.FAIL, CallOptions.DEFAULT, "7"))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
                    assertThat(e.getStatus().getDescription()).isEqualTo("asked to fail");
                });
        assertThat(caller.proxy().metrics()).contains("grpc_status=\"7\"");
    }

    @Test
    void deadlineAndCancellationReachTheServer() throws Exception {
        ClientCalls.blockingUnaryCall(channel, GrpcEcho.UNARY, CallOptions.DEFAULT, "warm-up");
        assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(channel, GrpcEcho.HANG,
                CallOptions.DEFAULT.withDeadlineAfter(500, TimeUnit.MILLISECONDS), "x"))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
        // the client's RST_STREAM travels through both sidecars and cancels the call at the server
        await().atMost(Duration.ofSeconds(5)).until(() -> app.cancelled.get() >= 1);

        ClientCall<String, String> call = channel.newCall(GrpcEcho.HANG, CallOptions.DEFAULT);
        call.start(new ClientCall.Listener<>() { }, new Metadata());
        call.sendMessage("y");
        call.halfClose();
        call.request(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> app.hangStarted.getCount() == 0);
        int before = app.cancelled.get();
        call.cancel("test", null);
        await().atMost(Duration.ofSeconds(5)).until(() -> app.cancelled.get() > before);
    }

    @Test
    void unavailableDestinationBecomesGrpcUnavailable() throws Exception {
        ManagedChannel nowhere = NettyChannelBuilder.forAddress("127.0.0.1", caller.outbound()).overrideAuthority("missing")
                .usePlaintext().build();
        try {
            assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(nowhere, GrpcEcho.UNARY, CallOptions.DEFAULT, "x"))
                    .isInstanceOfSatisfying(StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
        } finally {
            nowhere.shutdownNow();
        }
    }

    private static StreamObserver<String> observer(CompletableFuture<String> done, List<String> sink) {
        return new StreamObserver<>() {
            @Override
            public void onNext(String value) {
                sink.add(value);
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                done.complete(sink.isEmpty() ? "" : sink.get(sink.size() - 1));
            }
        };
    }
}
