package dev.trellis.demo.app;

import com.sun.net.httpserver.Headers;
import io.grpc.Context;
import io.grpc.Metadata;
import java.net.http.HttpRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The trace headers a demo service copies from the request it serves onto every call it makes, so the mesh
 * (and a tracer behind it) can join the hops of one request: W3C trace context, Zipkin B3 and x-request-id.
 *
 * @param values header name (lower case) to value
 */
public record TraceHeaders(Map<String, String> values) {

    /** Every header that is forwarded; anything else stays on the hop it arrived on. */
    public static final List<String> NAMES = List.of(
            "traceparent", "tracestate",
            "b3", "x-b3-traceid", "x-b3-spanid", "x-b3-parentspanid", "x-b3-sampled", "x-b3-flags",
            "x-request-id");

    public static final TraceHeaders NONE = new TraceHeaders(Map.of());

    /** Where a gRPC server keeps the trace headers of the call it is serving. */
    static final Context.Key<TraceHeaders> CONTEXT_KEY = Context.key("trellis-trace-headers");

    public TraceHeaders {
        Map<String, String> copy = new LinkedHashMap<>();
        values.forEach((name, value) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!NAMES.contains(lower)) {
                throw new IllegalArgumentException("trace header: " + name + " (expected one of " + NAMES + ")");
            }
            copy.put(lower, value);
        });
        values = Map.copyOf(copy);
    }

    public static TraceHeaders from(Headers headers) {
        Map<String, String> found = new LinkedHashMap<>();
        for (String name : NAMES) {
            String value = headers.getFirst(name);
            if (value != null) {
                found.put(name, value);
            }
        }
        return new TraceHeaders(found);
    }

    public static TraceHeaders from(Metadata metadata) {
        Map<String, String> found = new LinkedHashMap<>();
        for (String name : NAMES) {
            String value = metadata.get(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER));
            if (value != null) {
                found.put(name, value);
            }
        }
        return new TraceHeaders(found);
    }

    /** The trace headers of the gRPC call being served on this thread (see {@link TraceServerInterceptor}). */
    public static TraceHeaders current() {
        TraceHeaders current = CONTEXT_KEY.get();
        return current == null ? NONE : current;
    }

    public Optional<String> get(String name) {
        return Optional.ofNullable(values.get(name.toLowerCase(Locale.ROOT)));
    }

    public HttpRequest.Builder applyTo(HttpRequest.Builder request) {
        values.forEach(request::header);
        return request;
    }

    public Metadata toMetadata() {
        Metadata metadata = new Metadata();
        values.forEach((name, value) -> metadata.put(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER), value));
        return metadata;
    }
}
