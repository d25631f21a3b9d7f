package dev.trellis.proxy.telemetry.tap;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trellis.proxy.metrics.ProxyMetrics;
import dev.trellis.proxy.telemetry.RequestObserver;
import dev.trellis.proxy.telemetry.RequestOutcome;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The tap against an in-memory admin connection: no sockets, every step run by hand. */
class TapTest {
    private static final RequestOutcome OK = new RequestOutcome(200, null, null, false, 1_234_567, 1_000_000, 0, 123, 1,
            "127.0.0.1:8080");
    private final Tap tap = new Tap("web", new ProxyMetrics("web"));
    private final EmbeddedChannel caller = new EmbeddedChannel();

    private static HttpRequest get(String host, String uri) {
        HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
        r.headers().set("host", host);
        return r;
    }

    private void finish(RequestObserver o, RequestOutcome outcome) {
        o.onRoute("catalog", "default", "catalog");
        o.onEnd(outcome);
    }

    /** What the admin connection received: the head, then event lines, then (maybe) the last chunk. */
    private static List<Object> written(EmbeddedChannel admin) {
        admin.runPendingTasks();
        List<Object> out = new ArrayList<>();
        Object m;
        while ((m = admin.readOutbound()) != null) {
            if (m instanceof LastHttpContent) {
                out.add("end");
            } else if (m instanceof HttpContent c) {
                out.add(c.content().toString(StandardCharsets.UTF_8));
                c.release();
            } else if (m instanceof HttpResponse r) {
                out.add(r.status().code() + " " + r.headers().get("content-type") + " " + r.headers().get("transfer-encoding"));
            }
        }
        return out;
    }

    @Test
    void withoutSubscribersRequestsGetNoObserver() {
        assertThat(tap.subscribers()).isZero();
        assertThat(tap.observe("outbound", get("catalog", "/"), caller)).isNull();
    }

    @Test
    void requestsNoSubscriberWantsGetNoObserver() {
        EmbeddedChannel admin = new EmbeddedChannel();
        tap.stream(admin, TapQuery.parse("/tap?direction=inbound&path_prefix=/items"));

        assertThat(tap.observe("outbound", get("catalog", "/items"), caller)).isNull();
        assertThat(tap.observe("inbound", get("catalog", "/other"), caller)).isNull();
        assertThat(tap.observe("inbound", get("catalog", "/items/1"), caller)).isNotNull();
        admin.finishAndReleaseAll();
    }

    @Test
    void streamsEventsThenEndsAfterMax() throws Exception {
        EmbeddedChannel admin = new EmbeddedChannel();
        tap.stream(admin, TapQuery.parse("/tap?max=2"));
        RequestObserver first = tap.observe("outbound", get("catalog", "/items"), caller);
        RequestObserver second = tap.observe("outbound", get("catalog", "/items/2"), caller);
        RequestObserver third = tap.observe("outbound", get("catalog", "/items/3"), caller);

        finish(first, OK);
        finish(second, OK);
        finish(third, OK);

        List<Object> out = written(admin);
        assertThat(out).hasSize(4);
        assertThat(out.get(0)).isEqualTo("200 application/x-ndjson chunked");
        JsonNode event = new ObjectMapper().readTree((String) out.get(1));
        assertThat(event.get("path").asText()).isEqualTo("/items");
        assertThat(event.get("latencyMs").decimalValue()).isEqualByComparingTo("1.234");
        assertThat(event.get("bytesOut").asLong()).isEqualTo(123);
        assertThat(event.get("source").asText()).isEqualTo("embedded");
        assertThat(event.get("sourceService").asText()).isEqualTo("web");
        assertThat(event.get("destination").asText()).isEqualTo("catalog");
        assertThat((String) out.get(2)).contains("\"path\":\"/items/2\"").endsWith("}\n");
        assertThat(out.get(3)).isEqualTo("end");
        assertThat(admin.isOpen()).isFalse();
        assertThat(tap.subscribers()).isZero();
        assertThat(tap.observe("outbound", get("catalog", "/"), caller)).isNull();
    }

    @Test
    void aClosedConnectionLeavesTheTap() {
        EmbeddedChannel admin = new EmbeddedChannel();
        tap.stream(admin, TapQuery.parse("/tap"));
        RequestObserver inFlight = tap.observe("outbound", get("catalog", "/"), caller);
        assertThat(tap.subscribers()).isEqualTo(1);

        admin.close();
        finish(inFlight, OK);

        assertThat(tap.subscribers()).isZero();
        assertThat(written(admin)).containsExactly("200 application/x-ndjson chunked");
    }

    @Test
    void theSecondsLimitEndsTheStream() {
        EmbeddedChannel admin = new EmbeddedChannel();
        tap.stream(admin, TapQuery.parse("/tap?seconds=1"));
        admin.runScheduledPendingTasks();
        assertThat(written(admin)).containsExactly("200 application/x-ndjson chunked");

        admin.advanceTimeBy(1, TimeUnit.SECONDS);
        admin.runScheduledPendingTasks();

        assertThat(written(admin)).containsExactly("end");
        assertThat(admin.isOpen()).isFalse();
        assertThat(tap.subscribers()).isZero();
    }
}
