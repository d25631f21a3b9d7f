package dev.trellis.proxy.telemetry.tracing;

import dev.trellis.proxy.grpc.BytesMarshaller;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** In-process span collectors on ephemeral loopback ports: Zipkin JSON v2, OTLP/HTTP and OTLP/gRPC. */
final class Collectors {
    private Collectors() {
    }

    /** POST /api/v2/spans, JSON v2; every span received, in order. */
    static final class Zipkin implements AutoCloseable {
        private static final ObjectMapper JSON = new ObjectMapper();
        final List<JsonNode> spans = new CopyOnWriteArrayList<>();
        private final HttpServer server;

        Zipkin() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
            server.createContext("/api/v2/spans", ex -> {
                try (InputStream in = ex.getRequestBody()) {
                    if (ex.getRequestMethod().equals("POST")) {
                        JSON.readTree(in).forEach(spans::add);
                    }
                }
                ex.sendResponseHeaders(202, -1);
                ex.close();
            });
            server.start();
        }

        String endpoint() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/api/v2/spans";
        }

        int port() {
            return server.getAddress().getPort();
        }

        List<JsonNode> trace(String traceId) {
            return spans.stream().filter(s -> s.path("traceId").asText().equals(traceId)).toList();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    /** OTLP spans as the protobuf classes of the protocol, whichever transport brought them. */
    abstract static class Otlp implements AutoCloseable {
        final List<ResourceSpans> received = new CopyOnWriteArrayList<>();

        void accept(byte[] body) {
            try {
                received.addAll(ExportTraceServiceRequest.parseFrom(body).getResourceSpansList());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        List<io.opentelemetry.proto.trace.v1.Span> spans() {
            List<io.opentelemetry.proto.trace.v1.Span> out = new ArrayList<>();
            for (ResourceSpans rs : received) {
                for (ScopeSpans ss : rs.getScopeSpansList()) {
                    out.addAll(ss.getSpansList());
                }
            }
            return out;
        }
    }

    /** POST /v1/traces, application/x-protobuf. */
    static final class OtlpHttp extends Otlp {
        private final HttpServer server;

        OtlpHttp() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
            server.createContext("/v1/traces", ex -> {
                try (InputStream in = ex.getRequestBody()) {
                    accept(in.readAllBytes());
                }
                byte[] reply = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
                ex.getResponseHeaders().set("Content-Type", "application/x-protobuf");
                ex.sendResponseHeaders(200, reply.length == 0 ? -1 : reply.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(reply);
                }
            });
            server.start();
        }

        String endpoint() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/traces";
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    /** opentelemetry.proto.collector.trace.v1.TraceService/Export over gRPC (h2c). */
    static final class OtlpGrpc extends Otlp {
        private static final MethodDescriptor.Marshaller<byte[]> BYTES = BytesMarshaller.INSTANCE;
        private final Server server;

        OtlpGrpc() throws IOException {
            MethodDescriptor<byte[], byte[]> export = MethodDescriptor.<byte[], byte[]>newBuilder()
                    .setType(MethodDescriptor.MethodType.UNARY)
                    .setFullMethodName("opentelemetry.proto.collector.trace.v1.TraceService/Export")
                    .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();
            server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                    .addService(ServerServiceDefinition.builder("opentelemetry.proto.collector.trace.v1.TraceService")
                            .addMethod(export, ServerCalls.asyncUnaryCall((request, response) -> {
                                accept(request);
                                response.onNext(ExportTraceServiceResponse.getDefaultInstance().toByteArray());
                                response.onCompleted();
                            })).build())
                    .build().start();
        }

        String endpoint() {
            return "http://127.0.0.1:" + server.getPort();
        }

        @Override
        public void close() {
            server.shutdownNow();
        }
    }
}
