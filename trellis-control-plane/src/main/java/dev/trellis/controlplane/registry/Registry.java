package dev.trellis.controlplane.registry;

import dev.trellis.config.xds.Instance;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The instances known from outside the configuration files. Proxies register over their xDS stream (the
 * open stream keeps them alive; closing it cleanly deregisters; losing it starts the TTL), anything else
 * over the REST API with heartbeats. An entry not heard from within its TTL expires on the next
 * {@link #expire()}. Time comes from the injected clock.
 */
public final class Registry {
    private static final Logger log = LoggerFactory.getLogger(Registry.class);

    private final Clock clock;
    private final Duration defaultTtl;
    private final Map<String, RegisteredInstance> entries = new LinkedHashMap<>();
    private final List<Consumer<List<RegisteredInstance>>> listeners = new CopyOnWriteArrayList<>();
    private volatile List<RegisteredInstance> view = List.of();

    public Registry(Clock clock, Duration defaultTtl) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.defaultTtl = Objects.requireNonNull(defaultTtl, "defaultTtl");
        if (defaultTtl.isNegative() || defaultTtl.isZero()) {
            throw new IllegalArgumentException("defaultTtl: " + defaultTtl + " (expected: > 0)");
        }
    }

    public Duration defaultTtl() {
        return defaultTtl;
    }

    /** Called with every instance after each change of the set of endpoints (not on heartbeats). */
    public void onChange(Consumer<List<RegisteredInstance>> listener) {
        listeners.add(listener);
    }

    /** Registers or replaces, through the API: it must heartbeat within ttl (null: the default). */
    public RegisteredInstance register(Registration r, Duration ttl) {
        return put(new RegisteredInstance(r.id(), r, RegisteredInstance.Source.API, false, clock.instant(),
                ttl == null ? defaultTtl : ttl));
    }

    /** Registers a proxy whose xDS stream is open; it lives as long as the stream. */
    public RegisteredInstance connect(Registration r) {
        return put(new RegisteredInstance(r.id(), r, RegisteredInstance.Source.XDS, true, clock.instant(), defaultTtl));
    }

    /** The proxy's stream broke: the instance stays for its TTL, so a control plane restart or a short network cut is harmless. */
    public synchronized void disconnect(String id) {
        RegisteredInstance e = entries.get(id);
        if (e != null && e.connected()) {
            entries.put(id, e.connected(false, clock.instant()));
            publish(false);
        }
    }

    /** @return false when the id is unknown (expired): the caller registers again */
    public synchronized boolean heartbeat(String id) {
        RegisteredInstance e = entries.get(id);
        if (e == null) {
            return false;
        }
        entries.put(id, e.seen(clock.instant()));
        publish(false);
        return true;
    }

    public synchronized boolean deregister(String id) {
        RegisteredInstance removed = entries.remove(id);
        if (removed != null) {
            log.info("instance {} deregistered", id);
            publish(true);
        }
        return removed != null;
    }

    /** Removes entries whose TTL has passed; returns how many. */
    public synchronized int expire() {
        Instant now = clock.instant();
        List<String> gone = entries.values().stream().filter(e -> e.expired(now)).map(RegisteredInstance::id).toList();
        gone.forEach(id -> {
            entries.remove(id);
            log.info("instance {} expired (no heartbeat within its ttl)", id);
        });
        if (!gone.isEmpty()) {
            publish(true);
        }
        return gone.size();
    }

    /**
     * Entries a previous run saved: each gets a fresh TTL to reconnect or heartbeat, so proxies keep their
     * endpoints across a control plane restart.
     */
    public synchronized void restore(List<RegisteredInstance> saved) {
        Instant now = clock.instant();
        for (RegisteredInstance e : saved) {
            entries.putIfAbsent(e.id(), new RegisteredInstance(e.id(), e.registration(), e.source(), false, now, e.ttl()));
        }
        if (!saved.isEmpty()) {
            log.info("{} instance(s) restored; each has {} to reconnect", saved.size(), defaultTtl);
            publish(true);
        }
    }

    public Optional<RegisteredInstance> get(String id) {
        return view.stream().filter(e -> e.id().equals(id)).findFirst();
    }

    /** Every entry, ordered by id. */
    public List<RegisteredInstance> instances() {
        return view;
    }

    /** Every entry as the translator's {@link Instance}. */
    public List<Instance> meshInstances() {
        return view.stream().map(RegisteredInstance::toInstance).toList();
    }

    private synchronized RegisteredInstance put(RegisteredInstance e) {
        RegisteredInstance previous = entries.put(e.id(), e);
        boolean changed = previous == null || !previous.registration().equals(e.registration());
        if (previous == null) {
            log.info("instance {} registered ({})", e.id(), e.source());
        }
        publish(changed);
        return e;
    }

    /** @param endpointsChanged the set of endpoints differs, not only liveness bookkeeping: tell the listeners */
    private void publish(boolean endpointsChanged) {
        List<RegisteredInstance> all = new ArrayList<>(entries.values());
        all.sort(Comparator.comparing(RegisteredInstance::id));
        view = List.copyOf(all);
        if (endpointsChanged) {
            List<RegisteredInstance> snapshot = view;
            listeners.forEach(l -> l.accept(snapshot));
        }
    }
}
