package dev.trellis.demo.app;

import com.sun.net.httpserver.HttpExchange;
import dev.trellis.demo.proto.RecommendGrpc;
import dev.trellis.demo.proto.RecommendReply;
import dev.trellis.demo.proto.RecommendRequest;
import dev.trellis.demo.proto.Recommendation;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * "web": the demo's HTTP/1.1 frontend. {@code GET /} asks catalog (HTTP) and recommend (gRPC, unary) and
 * {@code GET /feed} reads recommend's stream; every call goes through the local sidecar's outbound port and
 * carries the trace headers of the request being served. A failed dependency answers 502.
 */
public final class WebService {
    /** The authority recommend is called by: the mesh Service's name and port. */
    public static final String RECOMMEND_AUTHORITY = "recommend:8080";
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(3);

    private final OutboundClient http;
    private final RecommendGrpc.RecommendBlockingStub recommend;

    private WebService(OutboundClient http, RecommendGrpc.RecommendBlockingStub recommend) {
        this.http = http;
        this.recommend = recommend;
    }

    /**
     * Starts web on 127.0.0.1:{@code port} (0 picks a free port).
     *
     * @param outbound the local sidecar's outbound address, "host:port"
     */
    public static RunningApp start(int port, String outbound) {
        ManagedChannel channel = Grpc.newChannelBuilder(outbound, InsecureChannelCredentials.create())
                .overrideAuthority(RECOMMEND_AUTHORITY)
                .build();
        WebService service = new WebService(
                new OutboundClient(outbound, CALL_TIMEOUT), RecommendGrpc.newBlockingStub(channel));
        HttpApp server;
        try {
            server = HttpApp.start("web", port, service::handle);
        } catch (RuntimeException e) {
            channel.shutdownNow();
            throw e;
        }
        return new RunningApp() {
            @Override
            public int port() {
                return server.port();
            }

            @Override
            public void close() {
                server.close();
                channel.shutdownNow();
            }
        };
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        TraceHeaders trace = TraceHeaders.from(exchange.getRequestHeaders());
        String user = user(exchange.getRequestURI().getRawQuery());
        switch (path) {
            case "/" -> home(exchange, trace, user);
            case "/feed" -> feed(exchange, trace, user);
            default -> HttpApp.respond(exchange, 404, Json.write(Json.fields("error", "no such path: " + path)));
        }
    }

    private void home(HttpExchange exchange, TraceHeaders trace, String user) throws IOException {
        CompletableFuture<HttpResponse<String>> catalog = http.get("catalog", "/items", trace);
        RecommendReply reply;
        try {
            reply = recommend(trace).top(RecommendRequest.newBuilder().setUser(user).setLimit(3).build());
        } catch (StatusRuntimeException e) {
            catalog.cancel(true);
            badGateway(exchange, "recommend", e.getStatus().toString());
            return;
        }
        HttpResponse<String> items;
        try {
            items = catalog.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            badGateway(exchange, "catalog", String.valueOf(e.getCause()));
            return;
        } catch (TimeoutException e) {
            badGateway(exchange, "catalog", "no answer within " + CALL_TIMEOUT);
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            badGateway(exchange, "catalog", "interrupted");
            return;
        }
        if (items.statusCode() != 200) {
            badGateway(exchange, "catalog", "status " + items.statusCode() + ": " + items.body());
            return;
        }
        HttpApp.respond(exchange, 200, Json.write(Json.fields(
                "service", "web",
                "user", user,
                "catalog", new Json.Raw(items.body()),
                "recommendations", toJson(reply.getItemsList()),
                "recommendRequestId", reply.getRequestId())));
    }

    private void feed(HttpExchange exchange, TraceHeaders trace, String user) throws IOException {
        List<Recommendation> items = new ArrayList<>();
        try {
            Iterator<Recommendation> stream =
                    recommend(trace).feed(RecommendRequest.newBuilder().setUser(user).setLimit(5).build());
            stream.forEachRemaining(items::add);
        } catch (StatusRuntimeException e) {
            badGateway(exchange, "recommend", e.getStatus().toString());
            return;
        }
        HttpApp.respond(exchange, 200, Json.write(Json.fields(
                "service", "web", "user", user, "feed", toJson(items))));
    }

    private RecommendGrpc.RecommendBlockingStub recommend(TraceHeaders trace) {
        return recommend
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(trace.toMetadata()))
                .withDeadlineAfter(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static List<Map<String, Object>> toJson(List<Recommendation> items) {
        List<Map<String, Object>> json = new ArrayList<>(items.size());
        for (Recommendation item : items) {
            json.add(Json.fields("item", item.getItem(), "score", item.getScore()));
        }
        return json;
    }

    private static void badGateway(HttpExchange exchange, String dependency, String reason) throws IOException {
        HttpApp.respond(exchange, 502, Json.write(Json.fields("error", dependency + " failed: " + reason)));
    }

    /** The "user" query parameter, "guest" when absent: enough parsing for the demo's one parameter. */
    static String user(String rawQuery) {
        if (rawQuery != null) {
            for (String pair : rawQuery.split("&")) {
                if (pair.startsWith("user=") && pair.length() > "user=".length()) {
                    return URLDecoder.decode(pair.substring("user=".length()), StandardCharsets.UTF_8);
                }
            }
        }
        return "guest";
    }
}
