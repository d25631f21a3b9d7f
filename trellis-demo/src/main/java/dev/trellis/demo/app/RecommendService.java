package dev.trellis.demo.app;

import dev.trellis.demo.proto.RecommendGrpc;
import dev.trellis.demo.proto.RecommendReply;
import dev.trellis.demo.proto.RecommendRequest;
import dev.trellis.demo.proto.Recommendation;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * "recommend": a gRPC service suggesting products, one unary method and one server-streaming method. Its
 * replies carry the x-request-id it received, showing the trace headers crossed the mesh.
 */
public final class RecommendService extends RecommendGrpc.RecommendImplBase {
    private static final List<String> CATALOG = List.of(
            "tomato", "rose", "trellis", "basil", "clematis", "watering-can", "twine", "compost");
    static final int MAX_LIMIT = 50;

    /** Starts recommend on 127.0.0.1:{@code port} (0 picks a free port). */
    public static RunningApp start(int port) {
        Server server = NettyServerBuilder
                .forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
                .addService(ServerInterceptors.intercept(new RecommendService(), new TraceServerInterceptor()))
                .build();
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + port, e);
        }
        return new RunningApp() {
            @Override
            public int port() {
                return server.getPort();
            }

            @Override
            public void close() {
                server.shutdown();
                try {
                    if (!server.awaitTermination(2, TimeUnit.SECONDS)) {
                        server.shutdownNow();
                    }
                } catch (InterruptedException e) {
                    server.shutdownNow();
                    Thread.currentThread().interrupt();
                }
            }
        };
    }

    @Override
    public void top(RecommendRequest request, StreamObserver<RecommendReply> response) {
        if (!validLimit(request, response)) {
            return;
        }
        response.onNext(RecommendReply.newBuilder()
                .addAllItems(recommend(request))
                .setRequestId(TraceHeaders.current().get("x-request-id").orElse(""))
                .build());
        response.onCompleted();
    }

    @Override
    public void feed(RecommendRequest request, StreamObserver<Recommendation> response) {
        if (!validLimit(request, response)) {
            return;
        }
        recommend(request).forEach(response::onNext);
        response.onCompleted();
    }

    private static boolean validLimit(RecommendRequest request, StreamObserver<?> response) {
        if (request.getLimit() < 0 || request.getLimit() > MAX_LIMIT) {
            response.onError(Status.INVALID_ARGUMENT
                    .withDescription("limit: " + request.getLimit() + " (expected: 0.." + MAX_LIMIT + ")")
                    .asRuntimeException());
            return false;
        }
        return true;
    }

    /** A stable ranking per user, so a shorter list is a prefix of a longer one; a limit of 0 means 3. */
    private static List<Recommendation> recommend(RecommendRequest request) {
        int limit = request.getLimit() == 0 ? 3 : request.getLimit();
        int start = Math.floorMod(request.getUser().hashCode(), CATALOG.size());
        List<Recommendation> items = new ArrayList<>(limit);
        for (int i = 0; i < limit; i++) {
            items.add(Recommendation.newBuilder()
                    .setItem(CATALOG.get((start + i) % CATALOG.size()))
                    .setScore(Math.max(5, 100 - 10 * i) / 100.0)
                    .build());
        }
        return items;
    }
}
