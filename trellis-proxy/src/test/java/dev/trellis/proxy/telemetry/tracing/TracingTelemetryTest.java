package dev.trellis.proxy.telemetry.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.proxy.config.TracingConfig.Exporter;
import dev.trellis.proxy.metrics.ProxyMetrics;
import dev.trellis.proxy.runtime.ConfigStore;
import dev.trellis.proxy.telemetry.RequestObserver;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which requests the tracer follows, and one exporter per distinct (exporter, endpoint), kept until it changes. */
class TracingTelemetryTest {
    final ConfigStore config = new ConfigStore(new ProxyMetrics("web"));
    final TracingTelemetry tracer = new TracingTelemetry(config, "web");

    static HttpRequest request(String... headers) {
        HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/items");
        r.headers().set("host", "catalog");
        for (int i = 0; i < headers.length; i += 2) {
            r.headers().set(headers[i], headers[i + 1]);
        }
        return r;
    }

    @Test
    void tracingOffObservesNothing() {
        assertThat(tracer.observe("outbound", request(), new EmbeddedChannel())).as("no configuration yet").isNull();
        config.update(TracingProxyTest.snapshot(1234, "{exporter: none}"));
        assertThat(tracer.observe("outbound", request("traceparent", "00-" + TracingProxyTest.TRACE + "-" + TracingProxyTest.PARENT + "-01"),
                new EmbeddedChannel())).isNull();
        assertThat(tracer.factories()).isEmpty();
    }

    @Test
    void anUnsampledRequestIsOnlyPropagated() {
        config.update(TracingProxyTest.snapshot(1234, "{samplingPercent: 0, exporter: zipkin, endpoint: 'http://127.0.0.1:1/api/v2/spans'}"));
        RequestObserver o = tracer.observe("outbound", request(), new EmbeddedChannel());
        assertThat(o).isInstanceOf(PropagatingObserver.class);
        assertThat(tracer.factories()).as("nothing built for unsampled requests").isEmpty();
    }

    @Test
    void exportersAreBuiltOncePerTargetAndRetiredWhenUnused() {
        var first = TracingProxyTest.snapshot(1234, "{exporter: zipkin, endpoint: 'http://127.0.0.1:1/api/v2/spans'}");
        tracer.prepare(first);
        Map<TracingTelemetry.Target, SpanFactory> built = tracer.factories();
        assertThat(built).containsOnlyKeys(new TracingTelemetry.Target(Exporter.ZIPKIN, "http://127.0.0.1:1/api/v2/spans"));

        tracer.prepare(TracingProxyTest.snapshot(1234, "{samplingPercent: 50, exporter: zipkin, endpoint: 'http://127.0.0.1:1/api/v2/spans'}"));
        assertThat(tracer.factories()).as("only the sampling changed: the same exporter").isEqualTo(built);

        tracer.prepare(TracingProxyTest.snapshot(1234, "{exporter: zipkin, endpoint: 'http://127.0.0.1:2/api/v2/spans'}"));
        assertThat(tracer.factories()).containsOnlyKeys(new TracingTelemetry.Target(Exporter.ZIPKIN, "http://127.0.0.1:2/api/v2/spans"));

        tracer.prepare(TracingProxyTest.snapshot(1234, "{exporter: none}"));
        assertThat(tracer.factories()).isEmpty();
        tracer.close();
        assertThat(tracer.factories()).isEmpty();
    }
}
