package dev.trellis.proxy.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.trellis.proxy.config.ClusterConfig.UpstreamProtocol;
import dev.trellis.proxy.config.Endpoint;
import dev.trellis.proxy.testing.ProxyUnderTest;
import dev.trellis.proxy.testing.Snapshots;
import dev.trellis.proxy.testing.TestBackend;
import io.netty.channel.uring.IoUring;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The opt-in transport carries the same two-sidecar call as the default one. */
class IoUringProxyTest {

    @Test
    void twoSidecarsOnIoUringCarryRequestsBothWays() throws Exception {
        assumeThat(IoUring.isAvailable()).as("the kernel offers io_uring").isTrue();
        TestBackend backend = TestBackend.start("catalog");
        ProxyUnderTest server = null;
        ProxyUnderTest caller = null;
        try {
            server = ProxyUnderTest.start("catalog", Snapshots.builder().app(backend.port(), UpstreamProtocol.HTTP1).build(),
                    Transport.IO_URING);
            caller = ProxyUnderTest.start("web", Snapshots.builder()
                    .service("catalog", UpstreamProtocol.HTTP1,
                            new Endpoint("127.0.0.1", server.inbound(), 1, Map.of(), true))
                    .build(), Transport.IO_URING);
            assertThat(server.proxy().transport()).isEqualTo(Transport.IO_URING);
            assertThat(caller.proxy().transport()).isEqualTo(Transport.IO_URING);
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            for (int i = 0; i < 20; i++) {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + caller.outbound() + "/echo"))
                        .header("Host", "catalog")
                        .POST(HttpRequest.BodyPublishers.ofString("x".repeat(1024)))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).contains("backend=catalog", "host=catalog");
            }
            assertThat(backend.requests()).isEqualTo(20);
        } finally {
            if (caller != null) {
                caller.close();
            }
            if (server != null) {
                server.close();
            }
            backend.close();
        }
    }
}
