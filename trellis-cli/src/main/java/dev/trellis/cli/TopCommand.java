package dev.trellis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code trellis top [SERVICE]}: the busiest paths right now, from the tap stream. Redraws in place on a
 * terminal; prints one table per interval when piped.
 */
@Command(name = "top", mixinStandardHelpOptions = true,
        description = {"Live table of requests grouped by source, destination, method and path, with counts, best, worst "
                + "and last latency and success rate, from tapping the service's proxies (every meshed service's "
                + "inbound side without SERVICE)."})
final class TopCommand implements Callable<Integer> {
    private static final int TAP_SECONDS = 600;

    @Parameters(index = "0", arity = "0..1", paramLabel = "SERVICE")
    String service;

    @Option(names = "--interval", defaultValue = "2s", converter = DurationConverter.class,
            description = "How often the table is redrawn (default: ${DEFAULT-VALUE}).")
    Duration interval;

    @Option(names = "--duration", converter = DurationConverter.class, description = "Stop after this long (default: until Ctrl-C).")
    Duration duration;

    @Option(names = "--rows", defaultValue = "20", description = "Rows shown (default: ${DEFAULT-VALUE}).")
    int maxRows;

    @Mixin
    ControlPlaneApi api;

    @Spec
    CommandSpec spec;

    Terminal terminal = Terminal.detect();

    private final TopTable table = new TopTable();
    private final AtomicReference<String> failure = new AtomicReference<>();
    private volatile boolean running = true;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<String> services;
        try {
            services = service != null ? List.of(service) : meshedServices();
        } catch (IOException e) {
            spec.commandLine().getErr().println("trellis top: " + e.getMessage());
            return 1;
        }
        if (services.isEmpty()) {
            spec.commandLine().getErr().println("trellis top: no meshed service has a proxy connected");
            return 1;
        }
        List<Thread> readers = new ArrayList<>();
        for (String s : services) {
            Thread t = new Thread(() -> follow(s), "trellis-top-" + s);
            t.setDaemon(true);
            t.start();
            readers.add(t);
        }
        long deadline = duration == null ? Long.MAX_VALUE : System.nanoTime() + duration.toNanos();
        try {
            while (running) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                Thread.sleep(Math.min(interval.toMillis(), Math.max(1, left / 1_000_000)));
                if (failure.get() != null && table.events() == 0) {
                    spec.commandLine().getErr().println("trellis top: " + failure.get());
                    return 1;
                }
                render(out);
            }
        } finally {
            running = false;
            readers.forEach(Thread::interrupt);
        }
        return 0;
    }

    /** Taps one service until stopped, opening a new tap when one ends. */
    private void follow(String s) {
        while (running) {
            try {
                new TapStream(api, s).filter("seconds", TAP_SECONDS).filter("direction", service == null ? "inbound" : null)
                        .read((line, event) -> {
                            table.add(event);
                            return running;
                        });
                failure.set(null);
            } catch (IOException e) {
                failure.set(e.getMessage());
                try {
                    Thread.sleep(interval.toMillis());
                } catch (InterruptedException x) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private List<String> meshedServices() throws IOException, InterruptedException {
        ControlPlaneApi.Reply r = api.get("/api/v1/stats?window=30s");
        if (!r.ok()) {
            throw new IOException(r.error());
        }
        List<String> out = new ArrayList<>();
        for (JsonNode s : r.body().path("services")) {
            if (s.path("meshed").asBoolean() && s.path("proxies").asInt() > 0) {
                out.add(s.path("name").asText());
            }
        }
        return out;
    }

    private void render(PrintWriter out) {
        TextTable t = new TextTable("SOURCE", "DESTINATION", "METHOD", "PATH", "COUNT", "BEST", "WORST", "LAST", "SUCCESS");
        List<TopTable.Row> rows = table.rows();
        for (TopTable.Row r : rows.subList(0, Math.min(maxRows, rows.size()))) {
            String rate = Formats.percent(r.successRate());
            t.row(r.key().source(), r.key().destination(), r.key().method(), r.key().path(), Long.toString(r.count()),
                    Formats.millis(r.best()), Formats.millis(r.worst()), Formats.millis(r.last()),
                    r.successRate() >= 0.99 ? terminal.green(rate) : terminal.red(rate));
        }
        terminal.clear(out);
        String title = (service == null ? "all services (inbound)" : service) + " — " + table.events() + " requests, "
                + LocalTime.now().truncatedTo(ChronoUnit.SECONDS);
        out.println(terminal.interactive() ? terminal.bold(title) : "# " + title);
        t.print(out);
        if (!terminal.interactive()) {
            out.println();
        }
        out.flush();
    }
}
