package dev.trellis.demo.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trellis.demo.proto.RecommendGrpc;
import dev.trellis.demo.proto.RecommendReply;
import dev.trellis.demo.proto.RecommendRequest;
import dev.trellis.demo.proto.Recommendation;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The demo services answer when called directly, without a mesh. */
class DemoServicesTest {
    private final HttpClient http = HttpClients.newClient(Duration.ofSeconds(2));
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable closeable : closeables) {
            closeable.close();
        }
    }

    private <T extends AutoCloseable> T closing(T closeable) {
        closeables.add(closeable);
        return closeable;
    }

    @Test
    void catalogAnswersItsVersionAndTheRequestIdItReceived() throws Exception {
        RunningApp v1 = closing(CatalogService.start(0, "v1", Slowness.NONE));
        RunningApp v2 = closing(CatalogService.start(0, "v2", Slowness.NONE));

        HttpResponse<String> fromV1 = get(v1.port(), "/items", Map.of("x-request-id", "req-1"));
        HttpResponse<String> fromV2 = get(v2.port(), "/items", Map.of());

        assertThat(fromV1.statusCode()).isEqualTo(200);
        assertThat(fromV1.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(fromV1.body())
                .startsWith("{\"service\":\"catalog\",\"version\":\"v1\",\"items\":[{\"id\":\"tomato\"")
                .endsWith("\"requestId\":\"req-1\"}");
        assertThat(fromV2.body()).contains("\"version\":\"v2\"").endsWith("\"requestId\":\"\"}");
        assertThat(get(v1.port(), "/nothing", Map.of()).statusCode()).isEqualTo(404);
    }

    @Test
    void slowCatalogStillAnswers() throws Exception {
        RunningApp slow = closing(CatalogService.start(0, "v2", new Slowness(100, Duration.ofMillis(50))));

        long start = System.nanoTime();
        HttpResponse<String> response = get(slow.port(), "/items", Map.of());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(50));
    }

    @Test
    void recommendAnswersUnaryAndStreamingCalls() {
        RunningApp recommend = closing(RecommendService.start(0));
        ManagedChannel channel = Grpc.newChannelBuilder("127.0.0.1:" + recommend.port(),
                InsecureChannelCredentials.create()).build();
        closing(channel::shutdownNow);
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER), "req-7");
        RecommendGrpc.RecommendBlockingStub stub = RecommendGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));

        RecommendReply top = stub.top(RecommendRequest.newBuilder().setUser("ada").setLimit(4).build());
        List<Recommendation> feed = new ArrayList<>();
        stub.feed(RecommendRequest.newBuilder().setUser("ada").setLimit(6).build()).forEachRemaining(feed::add);

        assertThat(top.getItemsList()).hasSize(4);
        assertThat(top.getRequestId()).isEqualTo("req-7");
        assertThat(feed).hasSize(6);
        assertThat(feed.subList(0, 4)).isEqualTo(top.getItemsList());
        assertThat(stub.top(RecommendRequest.newBuilder().setUser("ada").build()).getItemsList()).hasSize(3);
        assertThatThrownBy(() -> stub.top(RecommendRequest.newBuilder().setLimit(51).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).isEqualTo("limit: 51 (expected: 0..50)");
                });
    }

    private HttpResponse<String> get(int port, String path, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5));
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
