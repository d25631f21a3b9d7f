package dev.trellis.proxy.telemetry.tracing;

import dev.trellis.proxy.config.ListenerConfig;
import dev.trellis.proxy.config.ProxySnapshot;
import dev.trellis.proxy.config.TracingConfig;
import dev.trellis.proxy.runtime.ConfigStore;
import dev.trellis.proxy.runtime.RuntimeConfig;
import dev.trellis.proxy.telemetry.RequestObserver;
import dev.trellis.proxy.telemetry.RequestTelemetry;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpRequest;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy's tracer. For each HTTP request on a listener whose tracing is on, it reads the caller's trace context
 * (W3C, then B3), keeps the caller's sampling decision or makes one (the listener's samplingPercent), records a span
 * for a sampled request (CLIENT outbound, SERVER inbound) and passes the context on to every attempt upstream. A
 * listener with tracing off costs one config read per request, and leaves the trace headers as they came.
 *
 * <p>Exporters are built per distinct (exporter, endpoint) as configurations arrive ({@link #prepare}, off the event
 * loops), kept while a listener uses them, shut down (exporting what is pending) when none does any more or the
 * proxy stops. The OpenTelemetry SDK is only loaded once a listener turns tracing on.
 */
public final class TracingTelemetry implements RequestTelemetry, AutoCloseable {
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    private static final Logger log = LoggerFactory.getLogger(TracingTelemetry.class);

    private final ConfigStore config;
    private final String service;
    private final Map<Target, SpanFactory> factories = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** Where spans of one exporter go. */
    record Target(TracingConfig.Exporter exporter, String endpoint) {
        static Target of(TracingConfig tracing) {
            return new Target(tracing.exporter(), tracing.endpoint());
        }
    }

    /** @param service the proxy's service: the service.name of its spans */
    public TracingTelemetry(ConfigStore config, String service) {
        this.config = Objects.requireNonNull(config, "config");
        this.service = Objects.requireNonNull(service, "service");
    }

    @Override
    public RequestObserver observe(String direction, HttpRequest request, Channel downstream) {
        RuntimeConfig rc = config.current();
        ListenerConfig listener = rc == null ? null : rc.listener(direction);
        if (listener == null || closed) {
            return null;
        }
        TracingConfig tracing = listener.telemetry().tracing();
        if (!tracing.enabled()) {
            return null;
        }
        TracePropagation.Extracted caller = TracePropagation.extract(request.headers());
        boolean sampled = caller.decision() != null ? caller.decision() : sample(tracing.samplingPercent());
        if (!sampled) {
            return new PropagatingObserver(caller);
        }
        return factory(Target.of(tracing)).start(direction, request, caller);
    }

    private static boolean sample(double percent) {
        return percent >= 100 || (percent > 0 && ThreadLocalRandom.current().nextDouble() * 100 < percent);
    }

    private SpanFactory factory(Target target) {
        SpanFactory f = factories.get(target);
        if (f != null) {
            return f;
        }
        // a configuration applied without prepare(): build it here, once
        synchronized (this) {
            return factories.computeIfAbsent(target, this::create);
        }
    }

    private SpanFactory create(Target t) {
        String exporter = t.exporter().name().toLowerCase(java.util.Locale.ROOT);
        String endpoint = t.endpoint() == null ? "the exporter's default endpoint" : t.endpoint();
        try {
            SpanFactory f = OtelSpans.create(t.exporter(), t.endpoint(), service);
            log.info("tracing: {} spans of {} to {}", exporter, service, endpoint);
            return f;
        } catch (RuntimeException e) {
            log.warn("tracing: cannot export {} spans to {}: {}; trace context is still passed on", exporter, endpoint, e.toString());
            return UNRECORDED;
        }
    }

    /** Passes the context on, records nothing: for an exporter that could not be built. */
    private static final SpanFactory UNRECORDED = new SpanFactory() {
        @Override
        public RequestObserver start(String direction, HttpRequest request, TracePropagation.Extracted caller) {
            return new PropagatingObserver(caller, true);
        }

        @Override
        public void close(Duration timeout) {
        }
    };

    /**
     * Builds the exporters a new configuration uses and retires the ones it no longer does. Call it as the
     * configuration is applied, off the event loops: building the first one loads the SDK.
     */
    public synchronized void prepare(ProxySnapshot snapshot) {
        if (closed) {
            return;
        }
        Set<Target> wanted = new HashSet<>();
        for (ListenerConfig l : snapshot.listeners().values()) {
            if (l.telemetry().tracing().enabled()) {
                wanted.add(Target.of(l.telemetry().tracing()));
            }
        }
        for (Target t : wanted) {
            factories.computeIfAbsent(t, this::create);
        }
        factories.entrySet().removeIf(e -> {
            if (!wanted.contains(e.getKey())) {
                // spans still open on it end unexported; the new settings apply to requests from now on
                e.getValue().close(Duration.ZERO);
                return true;
            }
            return false;
        });
    }

    /** The exporters in use, for tests. */
    Map<Target, SpanFactory> factories() {
        return Map.copyOf(factories);
    }

    /** Exports what is pending (up to a few seconds) and stops; later requests are not traced. */
    @Override
    public synchronized void close() {
        closed = true;
        for (SpanFactory f : factories.values()) {
            f.close(CLOSE_TIMEOUT);
        }
        factories.clear();
    }
}
