package dev.trellis.demo.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * How the demo services call through a sidecar's outbound port: a recording server stands where the sidecar
 * would, and sees the destination (Host / :authority) and the forwarded trace headers.
 */
class MeshCallsTest {
    /** The recording gRPC server logs the HTTP/1.1 call it cannot serve, which one test makes on purpose. */
    private static final Logger GRPC_TRANSPORT = quiet("io.grpc.netty.shaded.io.grpc.netty.NettyServerTransport");

    private static final TraceHeaders TRACE = new TraceHeaders(Map.of(
            "traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            "x-request-id", "req-42",
            "X-B3-Sampled", "1"));

    @Test
    void httpCallsNameTheServiceInTheHostHeaderAndCarryTheTraceHeaders() throws Exception {
        BlockingQueue<Map<String, List<String>>> seen = new LinkedBlockingQueue<>();
        HttpServer outbound = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        outbound.createContext("/", exchange -> {
            seen.add(Map.copyOf(exchange.getRequestHeaders()));
            byte[] body = exchange.getRequestURI().getPath().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        outbound.start();
        try {
            OutboundClient client = new OutboundClient("127.0.0.1:" + outbound.getAddress().getPort(),
                    Duration.ofSeconds(5));

            HttpResponse<String> response = client.get("catalog", "/items", TRACE).get(5, TimeUnit.SECONDS);

            assertThat(response.body()).isEqualTo("/items");
            Map<String, List<String>> headers = seen.poll(5, TimeUnit.SECONDS);
            assertThat(headers).containsEntry("Host", List.of("catalog"))
                    .containsEntry("Traceparent", List.of("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"))
                    .containsEntry("X-request-id", List.of("req-42"))
                    .containsEntry("X-b3-sampled", List.of("1"));
        } finally {
            outbound.stop(0);
        }
    }

    @Test
    void webCallsRecommendByItsAuthorityWithTheTraceHeadersOfTheRequestItServes() throws Exception {
        BlockingQueue<String> authorities = new LinkedBlockingQueue<>();
        BlockingQueue<TraceHeaders> traces = new LinkedBlockingQueue<>();
        ServerInterceptor recorder = new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(
                    ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                authorities.add(String.valueOf(call.getAuthority()));
                traces.add(TraceHeaders.from(headers));
                return next.startCall(call, headers);
            }
        };
        // recommend itself stands where web's sidecar would be: only the gRPC call of /feed reaches it
        Server sidecar = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .addService(ServerInterceptors.intercept(new RecommendService(), recorder, new TraceServerInterceptor()))
                .build()
                .start();
        RunningApp web = WebService.start(0, "127.0.0.1:" + sidecar.getPort());
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + web.port() + "/feed?user=ada")).timeout(Duration.ofSeconds(5));
            TRACE.applyTo(request);

            HttpResponse<String> response = HttpClients.newClient(Duration.ofSeconds(2))
                    .send(request.build(), HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).startsWith("{\"service\":\"web\",\"user\":\"ada\",\"feed\":[{\"item\":");
            assertThat(authorities.poll(5, TimeUnit.SECONDS)).isEqualTo(WebService.RECOMMEND_AUTHORITY);
            assertThat(traces.poll(5, TimeUnit.SECONDS)).isEqualTo(TRACE);

            // the page also needs catalog, which is not there: web says which dependency failed
            HttpResponse<String> page = HttpClients.newClient(Duration.ofSeconds(2)).send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + web.port() + "/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(502);
            assertThat(page.body()).startsWith("{\"error\":\"catalog failed: ");
        } finally {
            web.close();
            sidecar.shutdownNow();
        }
    }

    private static Logger quiet(String name) {
        Logger logger = Logger.getLogger(name);
        logger.setLevel(Level.WARNING);
        return logger;
    }

    @Test
    void traceHeadersKeepOnlyTheKnownNames() {
        assertThat(TRACE.values()).containsOnlyKeys("traceparent", "x-request-id", "x-b3-sampled");
        assertThat(TRACE.get("X-Request-Id")).hasValue("req-42");
        assertThatThrownBy(() -> new TraceHeaders(Map.of("cookie", "x")))
                .hasMessageStartingWith("trace header: cookie (expected one of [traceparent,");
    }
}
