package dev.trellis.proxy.telemetry.tracing;

import dev.trellis.proxy.config.TracingConfig.Exporter;
import dev.trellis.proxy.telemetry.RequestObserver;
import io.netty.handler.codec.http.HttpRequest;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The OpenTelemetry SDK behind {@link SpanFactory}: one SdkTracerProvider with a batch processor and one exporter,
 * resource service.name = the proxy's service. Spans are started only for requests already sampled (the decision,
 * and honouring the caller's, is the tracer's), so the SDK's sampler records everything it is given. Export runs on
 * the batch processor's thread, never on an event loop.
 */
final class OtelSpans implements SpanFactory {
    static final String DEFAULT_OTLP_GRPC = "http://localhost:4317";
    static final String DEFAULT_ZIPKIN = "http://localhost:9411/api/v2/spans";
    /** How long spans may wait in the batch before they are exported. */
    static final Duration SCHEDULE_DELAY = Duration.ofSeconds(1);
    private static final String INSTRUMENTATION = "dev.trellis.proxy";

    private final SdkTracerProvider provider;
    private final Tracer tracer;

    private OtelSpans(SdkTracerProvider provider) {
        this.provider = provider;
        this.tracer = provider.get(INSTRUMENTATION);
    }

    /** @param endpoint null for the exporter's default; an OTLP endpoint with a path is OTLP/HTTP, else gRPC */
    static SpanFactory create(Exporter exporter, String endpoint, String service) {
        SpanExporter spans = exporter(exporter, endpoint);
        Resource resource = Resource.getDefault().merge(Resource.create(Attributes.of(ZipkinJsonExporter.SERVICE_NAME, service)));
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(resource)
                .setSampler(Sampler.alwaysOn())
                .addSpanProcessor(BatchSpanProcessor.builder(spans).setScheduleDelay(SCHEDULE_DELAY)
                        .setMeterProvider(MeterProvider::noop).build())
                .build();
        return new OtelSpans(provider);
    }

    private static SpanExporter exporter(Exporter exporter, String endpoint) {
        switch (exporter) {
            case ZIPKIN:
                return new ZipkinJsonExporter(URI.create(endpoint == null ? DEFAULT_ZIPKIN : endpoint));
            case OTLP:
                String url = endpoint == null ? DEFAULT_OTLP_GRPC : endpoint;
                String path = URI.create(url).getRawPath();
                if (path != null && !path.isEmpty() && !path.equals("/")) {
                    return OtlpHttpSpanExporter.builder().setEndpoint(url).setMeterProvider(MeterProvider::noop).build();
                }
                return OtlpGrpcSpanExporter.builder().setEndpoint(url).setComponentLoader(GrpcJavaSender.loader())
                        .setMeterProvider(MeterProvider::noop).build();
            default:
                throw new IllegalArgumentException("exporter: " + exporter + " (expected: OTLP or ZIPKIN)");
        }
    }

    @Override
    public RequestObserver start(String direction, HttpRequest request, TracePropagation.Extracted caller) {
        return new RecordedSpanObserver(tracer, direction, request, caller);
    }

    @Override
    public void close(Duration timeout) {
        var done = provider.shutdown();
        if (!timeout.isZero()) {
            done.join(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
    }
}
