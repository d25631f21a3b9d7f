package dev.trellis.proxy.telemetry.tracing;

import dev.trellis.proxy.grpc.BytesMarshaller;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.opentelemetry.common.ComponentLoader;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.GrpcResponse;
import io.opentelemetry.sdk.common.export.GrpcSender;
import io.opentelemetry.sdk.common.export.GrpcSenderConfig;
import io.opentelemetry.sdk.common.export.GrpcSenderProvider;
import io.opentelemetry.sdk.common.export.GrpcStatusCode;
import io.opentelemetry.sdk.common.export.MessageWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * OTLP/gRPC through grpc-java, which the sidecar already carries for its xDS client: the OpenTelemetry SDK's own
 * gRPC senders need OkHttp, or an artifact this version does not publish. One channel per exporter; calls are
 * asynchronous, their results arrive on gRPC's threads.
 */
final class GrpcJavaSender implements GrpcSender {
    private static final MethodDescriptor.Marshaller<byte[]> BYTES = BytesMarshaller.INSTANCE;

    private final ManagedChannel channel;
    private final MethodDescriptor<byte[], byte[]> method;
    private final GrpcSenderConfig config;

    private GrpcJavaSender(GrpcSenderConfig config) {
        URI endpoint = config.getEndpoint();
        int port = endpoint.getPort() > 0 ? endpoint.getPort() : "https".equals(endpoint.getScheme()) ? 443 : 80;
        NettyChannelBuilder builder = NettyChannelBuilder.forAddress(endpoint.getHost(), port);
        if ("https".equals(endpoint.getScheme())) {
            builder.useTransportSecurity();
        } else {
            builder.usePlaintext();
        }
        this.channel = builder.build();
        this.method = MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(config.getFullMethodName())
                .setRequestMarshaller(BYTES)
                .setResponseMarshaller(BYTES)
                .build();
        this.config = config;
    }

    /** Gives an OTLP gRPC exporter builder this sender, and every other component as the class path has it. */
    static ComponentLoader loader() {
        ComponentLoader classPath = ComponentLoader.forClassLoader(GrpcJavaSender.class.getClassLoader());
        GrpcSenderProvider provider = GrpcJavaSender::new;
        return new ComponentLoader() {
            @Override
            @SuppressWarnings("unchecked")
            public <T> Iterable<T> load(Class<T> type) {
                return type == GrpcSenderProvider.class ? List.of((T) provider) : classPath.load(type);
            }
        };
    }

    @Override
    public void send(MessageWriter writer, Consumer<GrpcResponse> onResponse, Consumer<Throwable> onError) {
        byte[] body;
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(32, writer.getContentLength()));
            writer.writeMessage(out);
            body = out.toByteArray();
        } catch (IOException | RuntimeException e) {
            onError.accept(e);
            return;
        }
        CallOptions options = CallOptions.DEFAULT;
        if (config.getTimeout() != null && !config.getTimeout().isZero()) {
            options = options.withDeadlineAfter(config.getTimeout().toNanos(), TimeUnit.NANOSECONDS);
        }
        Metadata headers = headers();
        var call = headers.keys().isEmpty() ? channel.newCall(method, options)
                : io.grpc.ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers)).newCall(method, options);
        var future = ClientCalls.futureUnaryCall(call, body);
        future.addListener(() -> {
            try {
                onResponse.accept(response(GrpcStatusCode.OK, null, future.get()));
            } catch (java.util.concurrent.ExecutionException e) {
                Status status = e.getCause() instanceof StatusRuntimeException s ? s.getStatus() : null;
                if (status == null) {
                    onError.accept(e.getCause());
                } else {
                    onResponse.accept(response(GrpcStatusCode.fromValue(status.getCode().value()), status.getDescription(), null));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                onError.accept(e);
            }
        }, Runnable::run);
    }

    private Metadata headers() {
        Metadata metadata = new Metadata();
        if (config.getHeadersSupplier() == null) {
            return metadata;
        }
        Map<String, List<String>> all = config.getHeadersSupplier().get();
        if (all != null) {
            all.forEach((name, values) -> {
                Metadata.Key<String> key = Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
                for (String v : values == null ? new ArrayList<String>() : values) {
                    metadata.put(key, v);
                }
            });
        }
        return metadata;
    }

    private static GrpcResponse response(GrpcStatusCode code, String description, byte[] message) {
        return new GrpcResponse() {
            @Override
            public GrpcStatusCode getStatusCode() {
                return code;
            }

            @Override
            public String getStatusDescription() {
                return description;
            }

            @Override
            public byte[] getResponseMessage() {
                return message;
            }
        };
    }

    @Override
    public CompletableResultCode shutdown() {
        channel.shutdown();
        return CompletableResultCode.ofSuccess();
    }
}
