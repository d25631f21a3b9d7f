package dev.trellis.controlplane.telemetry;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One proxy's scrapes: the counters of the last one, and the increase between consecutive ones for the
 * retention period (a ring, oldest first). Increases are taken per raw series, before unknown labels are
 * summed away, so a counter that restarts from zero (Prometheus' reset rule: a lower value means the
 * counter restarted) and a series that appears between two scrapes both count right.
 */
final class ScrapedProxy {
    static final String RESPONSES = "response_total";
    static final String LATENCY_BUCKETS = "response_latency_ms_bucket";
    /** Workload certificate expiry in epoch seconds (0: none), under either name a proxy may export it. */
    static final List<String> CERT_EXPIRY = List.of("identity_cert_expiration_timestamp_seconds", "identity_cert_expiry_timestamp_seconds");

    private final ProxyTarget target;
    private final ArrayDeque<ScrapeDelta> ring = new ArrayDeque<>();
    private final AtomicBoolean inFlight = new AtomicBoolean();
    private Map<String, Double> previous;
    private Instant previousAt;
    private Instant lastScrape;
    private Instant lastAttempt;
    private String error;
    private ScrapeStatus.Certificate certificate;
    private volatile boolean connected = true;

    ScrapedProxy(ProxyTarget target) {
        this.target = target;
    }

    ProxyTarget target() {
        return target;
    }

    boolean connected() {
        return connected;
    }

    void disconnected() {
        connected = false;
    }

    /** Claims the next scrape; false while one is still running. */
    boolean begin(Instant at) {
        if (!inFlight.compareAndSet(false, true)) {
            return false;
        }
        synchronized (this) {
            lastAttempt = at;
        }
        return true;
    }

    synchronized void scraped(Instant at, List<MetricSample> samples) {
        try {
            Map<String, Double> current = new HashMap<>();
            Map<TrafficKey, Traffic.Sum> increase = new HashMap<>();
            ScrapeStatus.Certificate cert = null;
            for (MetricSample s : samples) {
                boolean responses = s.name().equals(RESPONSES);
                if (responses || s.name().equals(LATENCY_BUCKETS)) {
                    String id = seriesId(s);
                    current.put(id, s.value());
                    if (previous == null) {
                        continue; // the first scrape is the baseline
                    }
                    Double before = previous.get(id);
                    // a series born since the last scrape started from zero; a lower value is a restart
                    double delta = before == null || s.value() < before ? s.value() : s.value() - before;
                    if (delta <= 0 || Double.isNaN(delta)) {
                        continue;
                    }
                    Traffic.Sum sum = increase.computeIfAbsent(TrafficKey.of(s), k -> new Traffic.Sum());
                    if (responses) {
                        sum.response(success(s), delta);
                    } else {
                        sum.bucket(bound(s.label("le")), delta);
                    }
                } else if (CERT_EXPIRY.contains(s.name()) && s.value() > 0 && Double.isFinite(s.value())) {
                    String identity = s.labels().getOrDefault("identity", s.labels().get("spiffe_id"));
                    cert = new ScrapeStatus.Certificate(identity, Instant.ofEpochSecond((long) s.value()));
                }
            }
            if (previous != null) {
                Map<TrafficKey, Traffic> traffic = new HashMap<>();
                increase.forEach((k, sum) -> traffic.put(k, sum.traffic()));
                ring.addLast(new ScrapeDelta(previousAt, at, traffic));
            }
            previous = current;
            previousAt = at;
            lastScrape = at;
            error = null;
            certificate = cert;
        } finally {
            inFlight.set(false);
        }
    }

    synchronized void failed(Instant at, String message) {
        error = message;
        inFlight.set(false);
    }

    /** Forgets increases that ended before {@code oldest}; true when nothing is left of a gone proxy. */
    synchronized boolean prune(Instant oldest) {
        while (!ring.isEmpty() && ring.peekFirst().to().isBefore(oldest)) {
            ring.removeFirst();
        }
        return !connected && ring.isEmpty();
    }

    /** The increases that ended after {@code after}, oldest first. */
    synchronized List<ScrapeDelta> since(Instant after) {
        List<ScrapeDelta> out = new ArrayList<>();
        for (ScrapeDelta d : ring) {
            if (d.to().isAfter(after)) {
                out.add(d);
            }
        }
        return out;
    }

    synchronized ScrapeStatus status() {
        return new ScrapeStatus(lastScrape, lastAttempt, error, certificate);
    }

    /** A response is a success by its classification label, or failing that by its status code. */
    private static boolean success(MetricSample s) {
        String c = s.label("classification");
        if (!c.isEmpty()) {
            return c.equals("success");
        }
        try {
            int status = Integer.parseInt(s.label("status_code"));
            return status > 0 && status < 500;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static double bound(String le) {
        if (le.equals("+Inf") || le.equals("Inf")) {
            return Double.POSITIVE_INFINITY;
        }
        try {
            return Double.parseDouble(le);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(LATENCY_BUCKETS + ": le=\"" + le + "\" (expected: a number or +Inf)");
        }
    }

    private static String seriesId(MetricSample s) {
        StringBuilder id = new StringBuilder(s.name());
        new TreeMap<>(s.labels()).forEach((k, v) -> id.append('\u0000').append(k).append('=').append(v));
        return id.toString();
    }
}
