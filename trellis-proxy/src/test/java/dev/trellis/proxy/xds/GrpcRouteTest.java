package dev.trellis.proxy.xds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.proxy.testing.GrpcEcho;
import dev.trellis.proxy.testing.ProxyUnderTest;
import dev.trellis.proxy.testing.YamlSnapshots;
import io.grpc.CallOptions;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A GRPCRoute from YAML through xDS to a real proxy, with grpc-java on both sides: calls go where their method and
 * metadata say, everything else to the default backend.
 */
class GrpcRouteTest {
    GrpcEcho stable;
    GrpcEcho canary;
    ProxyUnderTest proxy;
    ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        stable = GrpcEcho.start();
        canary = GrpcEcho.start();
        String yaml = YamlSnapshots.grpcService("echo", stable.port()) + YamlSnapshots.grpcService("echo-canary", canary.port()) + """
                apiVersion: gateway.networking.k8s.io/v1
                kind: GRPCRoute
                metadata: {name: echo}
                spec:
                  parentRefs: [{kind: Service, name: echo}]
                  rules:
                    - name: unary-canary
                      matches: [{method: {service: %s, method: Unary}}]
                      backendRefs: [{name: echo-canary}]
                    - matches: [{headers: [{name: x-track, value: canary}]}]
                      backendRefs: [{name: echo-canary}]
                    - backendRefs: [{name: echo}]
                """.formatted(GrpcEcho.SERVICE);
        proxy = ProxyUnderTest.start("web", YamlSnapshots.of(yaml, "web"));
        channel = NettyChannelBuilder.forAddress("127.0.0.1", proxy.outbound()).overrideAuthority("echo:9090").usePlaintext().build();
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        proxy.close();
        stable.close();
        canary.close();
    }

    @Test
    void callsGoWhereTheirMethodAndMetadataSay() {
        assertThat(ClientCalls.blockingUnaryCall(channel, GrpcEcho.UNARY, CallOptions.DEFAULT, "hi")).isEqualTo("echo:hi");
        assertThat(canary.unaryCalls).hasValue(1);
        assertThat(stable.unaryCalls).hasValue(0);

        Iterator<String> items = ClientCalls.blockingServerStreamingCall(channel, GrpcEcho.SERVER_STREAM, CallOptions.DEFAULT, "3");
        items.forEachRemaining(i -> { });
        Metadata canaryTrack = new Metadata();
        canaryTrack.put(Metadata.Key.of("x-track", Metadata.ASCII_STRING_MARSHALLER), "canary");
        Iterator<String> viaHeader = ClientCalls.blockingServerStreamingCall(
                ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(canaryTrack)),
                GrpcEcho.SERVER_STREAM, CallOptions.DEFAULT, "2");
        viaHeader.forEachRemaining(i -> { });

        // the stream without the header took the default rule, the one with it the header rule
        String metrics = proxy.proxy().metrics();
        assertThat(metrics).contains("route=\"echo/unary-canary\"");
        assertThat(metrics).containsPattern("request_total\\{[^}]*route=\"echo/2\"[^}]*} 1");
        assertThat(metrics).containsPattern("request_total\\{[^}]*route=\"echo/1\"[^}]*} 1");
    }
}
