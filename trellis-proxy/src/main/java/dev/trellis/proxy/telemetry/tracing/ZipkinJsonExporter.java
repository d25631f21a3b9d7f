package dev.trellis.proxy.telemetry.tracing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spans to a Zipkin collector as JSON v2 (POST {@code /api/v2/spans}) through the JDK's HttpClient. OpenTelemetry's
 * own Zipkin exporter is no longer published with the SDK and needed OkHttp; Zipkin's JSON is small enough to write
 * here. The mapping is OpenTelemetry's: kind, {@code localEndpoint.serviceName} from the resource's service.name,
 * {@code remoteEndpoint} from peer.service and network.peer.*, attributes as tags, events as annotations, an error
 * status as the {@code error} tag.
 */
final class ZipkinJsonExporter implements SpanExporter {
    static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
    private static final Logger log = LoggerFactory.getLogger(ZipkinJsonExporter.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI endpoint;
    private final HttpClient client;
    private final AtomicBoolean shutdown = new AtomicBoolean();

    ZipkinJsonExporter(URI endpoint) {
        this.endpoint = endpoint;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
        if (shutdown.get()) {
            return CompletableResultCode.ofFailure();
        }
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(json(spans));
        } catch (Exception e) {
            log.warn("zipkin: cannot encode {} span(s): {}", spans.size(), e.toString());
            return CompletableResultCode.ofFailure();
        }
        HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        CompletableResultCode result = new CompletableResultCode();
        client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
            if (error == null && response.statusCode() / 100 == 2) {
                result.succeed();
                return;
            }
            log.warn("zipkin: {} span(s) not accepted by {}: {}", spans.size(), endpoint,
                    error != null ? error.toString() : response.statusCode() + " " + response.body());
            result.fail();
        });
        return result;
    }

    static ArrayNode json(Collection<SpanData> spans) {
        ArrayNode out = JSON.createArrayNode();
        for (SpanData s : spans) {
            out.add(span(s));
        }
        return out;
    }

    private static ObjectNode span(SpanData s) {
        ObjectNode n = JSON.createObjectNode();
        n.put("traceId", s.getTraceId());
        n.put("id", s.getSpanId());
        if (s.getParentSpanContext().isValid()) {
            n.put("parentId", s.getParentSpanId());
        }
        switch (s.getKind()) {
            case CLIENT, SERVER, PRODUCER, CONSUMER -> n.put("kind", s.getKind().name());
            default -> { }
        }
        n.put("name", s.getName());
        long start = TimeUnit.NANOSECONDS.toMicros(s.getStartEpochNanos());
        n.put("timestamp", start);
        n.put("duration", Math.max(1, TimeUnit.NANOSECONDS.toMicros(s.getEndEpochNanos()) - start));
        String service = s.getResource().getAttribute(SERVICE_NAME);
        n.putObject("localEndpoint").put("serviceName", service == null ? "unknown" : service);
        ObjectNode remote = remoteEndpoint(s);
        if (!remote.isEmpty()) {
            n.set("remoteEndpoint", remote);
        }
        ObjectNode tags = n.putObject("tags");
        s.getAttributes().forEach((key, value) -> tags.put(key.getKey(), String.valueOf(value)));
        if (s.getStatus().getStatusCode() == StatusCode.ERROR) {
            tags.put("otel.status_code", "ERROR");
            String description = s.getStatus().getDescription();
            tags.put("error", description == null || description.isEmpty() ? "true" : description);
        }
        if (!s.getEvents().isEmpty()) {
            ArrayNode annotations = n.putArray("annotations");
            for (EventData e : s.getEvents()) {
                StringBuilder value = new StringBuilder(e.getName());
                e.getAttributes().forEach((key, v) -> value.append(' ').append(key.getKey()).append('=').append(v));
                annotations.addObject().put("timestamp", TimeUnit.NANOSECONDS.toMicros(e.getEpochNanos())).put("value", value.toString());
            }
        }
        return n;
    }

    private static ObjectNode remoteEndpoint(SpanData s) {
        ObjectNode remote = JSON.createObjectNode();
        String peerService = s.getAttributes().get(SpanAttributes.PEER_SERVICE);
        if (peerService != null) {
            remote.put("serviceName", peerService);
        }
        String address = s.getAttributes().get(SpanAttributes.NETWORK_PEER_ADDRESS);
        if (address != null && address.chars().allMatch(c -> c == '.' || Character.isDigit(c))) {
            remote.put("ipv4", address);
        } else if (address != null && address.contains(":")) {
            remote.put("ipv6", address);
        }
        Long port = s.getAttributes().get(SpanAttributes.NETWORK_PEER_PORT);
        if (port != null && (remote.has("ipv4") || remote.has("ipv6"))) {
            remote.put("port", port);
        }
        return remote;
    }

    @Override
    public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
        shutdown.set(true);
        return CompletableResultCode.ofSuccess();
    }
}
