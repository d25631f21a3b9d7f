package dev.trellis.controlplane.telemetry;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scrapes every connected proxy's admin {@code GET /metrics} on a fixed interval with the JDK's
 * asynchronous client (a few shared threads, none per proxy; a proxy whose last scrape is still running
 * is skipped, not queued), and keeps each one's increases for the retention period. A proxy whose stream
 * closed is no longer scraped; what it counted stays in the window until it ages out.
 */
public final class MetricsScraper implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MetricsScraper.class);

    private final Supplier<List<ProxyTarget>> targets;
    private final ScrapeOptions options;
    private final Clock clock;
    private final Map<Long, ScrapedProxy> proxies = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;
    private final ExecutorService responses;
    private final HttpClient http;

    public MetricsScraper(Supplier<List<ProxyTarget>> targets, ScrapeOptions options, Clock clock) {
        this.targets = Objects.requireNonNull(targets, "targets");
        this.options = Objects.requireNonNull(options, "options");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.timer = Executors.newSingleThreadScheduledExecutor(daemon("trellis-scrape-timer"));
        this.responses = Executors.newFixedThreadPool(2, daemon("trellis-scrape"));
        this.http = HttpClient.newBuilder().executor(responses).connectTimeout(options.timeout()).build();
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    public MetricsScraper start() {
        long every = options.interval().toMillis();
        timer.scheduleWithFixedDelay(this::tick, 0, every, TimeUnit.MILLISECONDS);
        return this;
    }

    /** One round: follow the connected proxies, start a scrape of each that is not busy, forget old data. */
    void tick() {
        try {
            Instant now = clock.instant();
            Set<Long> live = new HashSet<>();
            for (ProxyTarget t : targets.get()) {
                live.add(t.stream());
                proxies.computeIfAbsent(t.stream(), id -> new ScrapedProxy(t));
            }
            proxies.values().removeIf(p -> {
                if (!live.contains(p.target().stream())) {
                    p.disconnected();
                }
                return p.prune(now.minus(options.retention()));
            });
            for (ScrapedProxy p : proxies.values()) {
                if (p.connected() && p.begin(now)) {
                    scrape(p);
                }
            }
        } catch (RuntimeException e) {
            log.warn("scraping proxies: {}", e.toString(), e);
        }
    }

    private void scrape(ScrapedProxy p) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + p.target().adminAddress() + "/metrics"))
                .timeout(options.timeout()).GET().build();
        http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> {
            Instant at = clock.instant();
            if (e != null) {
                p.failed(at, "GET /metrics: " + describe(e));
            } else if (r.statusCode() != 200) {
                p.failed(at, "GET /metrics: HTTP " + r.statusCode());
            } else {
                try {
                    p.scraped(at, PrometheusText.parse(r.body()));
                } catch (RuntimeException x) {
                    p.failed(at, "GET /metrics: " + x.getMessage());
                }
            }
        });
    }

    private static String describe(Throwable e) {
        Throwable c = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        String m = c.getMessage();
        return c.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
    }

    /** How scraping a connected proxy goes; empty for a stream it does not follow (yet). */
    public Optional<ScrapeStatus> status(long stream) {
        ScrapedProxy p = proxies.get(stream);
        return p == null ? Optional.empty() : Optional.of(p.status());
    }

    /** The traffic of every proxy, connected or recently gone, over the last {@code window}. */
    public TrafficWindow window(Duration window) {
        if (window.isNegative() || window.isZero() || window.compareTo(options.retention()) > 0) {
            throw new IllegalArgumentException("window: " + window + " (expected: > 0 and <= " + options.retention() + ")");
        }
        Instant now = clock.instant();
        Instant after = now.minus(window);
        List<TrafficWindow.ProxyTraffic> out = new ArrayList<>();
        proxies.values().stream().sorted(Comparator.comparingLong(p -> p.target().stream())).forEach(p ->
                out.add(new TrafficWindow.ProxyTraffic(p.target(), p.connected(), p.since(after))));
        return new TrafficWindow(window, now, out);
    }

    public ScrapeOptions options() {
        return options;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        responses.shutdownNow();
    }
}
