package dev.trellis.proxy.telemetry.accesslog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.proxy.telemetry.RequestOutcome;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class RequestRecorderTest {
    private static final RequestOutcome OK = new RequestOutcome(200, "0", null, false, 2_000_000, 1_000_000, 3, 4, 2,
            "127.0.0.1:9000");

    private static HttpRequest head() {
        HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_0, HttpMethod.PUT, "/items/1?x=y");
        r.headers().set("host", "catalog:8080").set("user-agent", "ua/1").set("x-request-id", "r-1")
                .set("x-b3-traceid", "463ac35c9f6413ad");
        return r;
    }

    @Test
    void readsTheHeadWhenTheRequestArrivesAndTheTraceOfTheLastAttempt() {
        AtomicReference<RequestRecord> out = new AtomicReference<>();
        HttpRequest head = head();
        RequestRecorder recorder = new RequestRecorder("outbound", head, new EmbeddedChannel(), out::set);
        head.headers().set("user-agent", "changed later");

        recorder.onRoute("catalog", "catalog-split/0", "catalog-v2.default");
        HttpHeaders upstream = new DefaultHttpHeaders().set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        recorder.onAttempt(1, "127.0.0.1:9000", upstream);
        recorder.onEnd(OK);

        RequestRecord r = out.get();
        assertThat(r.method()).isEqualTo("PUT");
        assertThat(r.authority()).isEqualTo("catalog:8080");
        assertThat(r.path()).isEqualTo("/items/1?x=y");
        assertThat(r.protocol()).isEqualTo("HTTP/1.0");
        assertThat(r.userAgent()).isEqualTo("ua/1");
        assertThat(r.requestId()).isEqualTo("r-1");
        assertThat(r.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(r.dstService()).isEqualTo("catalog");
        assertThat(r.route()).isEqualTo("catalog-split/0");
        assertThat(r.cluster()).isEqualTo("catalog-v2.default");
        assertThat(r.peerIdentity()).isNull();
        assertThat(r.grpcStatus()).isZero();
        assertThat(r.responseFlags()).isEqualTo("-");
        assertThat(r.startMillis()).isPositive();
    }

    @Test
    void withoutAnAttemptTheCallersTraceIdStands() {
        AtomicReference<RequestRecord> out = new AtomicReference<>();
        RequestRecorder recorder = new RequestRecorder("inbound", head(), new EmbeddedChannel(), out::set);
        recorder.onEnd(new RequestOutcome(503, null, "no-route", false, 1000, -1, 0, 20, 0, null));

        assertThat(out.get().traceId()).isEqualTo("463ac35c9f6413ad");
        assertThat(out.get().responseFlags()).isEqualTo("NR");
        assertThat(out.get().route()).isNull();
    }
}
