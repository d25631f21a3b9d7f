package dev.trellis.controlplane.registry;

import dev.trellis.config.xds.Instance;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One registry entry.
 *
 * @param connected its proxy holds an open xDS stream: the stream is its heartbeat and it does not expire
 * @param lastSeen  the last heartbeat (or the moment its stream closed)
 * @param ttl       how long it lives without a heartbeat
 */
public record RegisteredInstance(String id, Registration registration, Source source, boolean connected,
                                 Instant lastSeen, Duration ttl) {
    /** How it registered. */
    public enum Source { API, XDS }

    /** The label every instance carries: a Service selects its own instances with {@code selector: {app: NAME}}. */
    public static final String SERVICE_LABEL = "app";

    public RegisteredInstance {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(registration, "registration");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(lastSeen, "lastSeen");
        Objects.requireNonNull(ttl, "ttl");
    }

    public boolean expired(Instant now) {
        return !connected && lastSeen.plus(ttl).isBefore(now);
    }

    /** As the translator sees it: labels plus app=&lt;service&gt; unless the instance set "app" itself. */
    public Instance toInstance() {
        Registration r = registration;
        Map<String, String> labels = new HashMap<>(r.labels());
        labels.putIfAbsent(SERVICE_LABEL, r.service());
        return new Instance(r.namespace(), r.address(), r.port(), labels, r.weight(), r.meshed());
    }

    RegisteredInstance seen(Instant at) {
        return new RegisteredInstance(id, registration, source, connected, at, ttl);
    }

    RegisteredInstance connected(boolean c, Instant at) {
        return new RegisteredInstance(id, registration, source, c, at, ttl);
    }
}
