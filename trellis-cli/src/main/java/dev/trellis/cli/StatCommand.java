package dev.trellis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code trellis stat [SERVICE]}: golden signals per service, from the control plane's scrapes of every proxy. */
@Command(name = "stat", mixinStandardHelpOptions = true,
        description = {"Success rate, requests per second and latency percentiles per service, as its own proxies answered "
                + "(server side). With SERVICE: also its routes, its callers (inbound) and its callees (outbound)."})
final class StatCommand implements Callable<Integer> {
    enum Output { table, json }

    @Parameters(index = "0", arity = "0..1", paramLabel = "SERVICE")
    String service;

    @Option(names = "--window", defaultValue = "30s", converter = DurationConverter.class,
            description = "The time the numbers cover, up to 5m (default: ${DEFAULT-VALUE}).")
    Duration window;

    @Option(names = {"-o", "--output"}, defaultValue = "table", description = "table or json (default: ${DEFAULT-VALUE}).")
    Output output;

    @Mixin
    ControlPlaneApi api;

    @Spec
    CommandSpec spec;

    Terminal terminal = Terminal.detect();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        String path = "/api/v1/stats?window=" + window.toMillis() + "ms"
                + (service == null ? "" : "&service=" + ControlPlaneApi.encode(service));
        ControlPlaneApi.Reply reply;
        try (Terminal.Spinner s = terminal.spinner(out, "asking the control plane")) {
            reply = api.get(path);
        } catch (IOException e) {
            spec.commandLine().getErr().println("trellis stat: " + e.getMessage());
            return 1;
        }
        if (!reply.ok()) {
            spec.commandLine().getErr().println("trellis stat: " + reply.error());
            return 1;
        }
        JsonNode body = reply.body();
        if (output == Output.json) {
            out.println(body.toPrettyString());
            return 0;
        }
        if (service != null && body.path("services").isEmpty()) {
            spec.commandLine().getErr().println("trellis stat: service " + service + ": no proxy and no traffic in the last "
                    + body.path("window").asText());
            return 1;
        }
        TextTable services = new TextTable("NAME", "MESHED", "SUCCESS", "RPS", "LATENCY_P50", "LATENCY_P95", "LATENCY_P99", "TOTAL");
        for (JsonNode s : body.path("services")) {
            services.row(cells(s.path("name").asText(), s.path("meshed").asBoolean() ? s.path("proxies").asText() : "-", s));
        }
        services.print(out);
        if (service != null) {
            section(out, "ROUTES (callers' view of " + service + ")", "ROUTE", body.path("routes"), "route", null);
            section(out, "INBOUND (callers of " + service + ")", "FROM", body.path("edges"), "source", "destination");
            section(out, "OUTBOUND (callees of " + service + ")", "TO", body.path("edges"), "destination", "source");
        }
        out.flush();
        return 0;
    }

    /** Rows of {@code rows} (those whose {@code matchField} names the service, when given), keyed by {@code nameField}. */
    private void section(PrintWriter out, String title, String column, JsonNode rows, String nameField, String matchField) {
        TextTable t = new TextTable(column, "SUCCESS", "RPS", "LATENCY_P50", "LATENCY_P95", "LATENCY_P99", "TOTAL");
        for (JsonNode r : rows) {
            if (matchField == null || r.path(matchField).asText().equals(service)) {
                String[] c = cells(r.path(nameField).asText(), "", r);
                t.row(c[0], c[2], c[3], c[4], c[5], c[6], c[7]);
            }
        }
        out.println();
        out.println(terminal.bold(title));
        if (t.size() == 0) {
            out.println("(none in the last " + windowText() + ")");
        } else {
            t.print(out);
        }
    }

    private String windowText() {
        long s = window.toSeconds();
        return s % 60 == 0 && s > 0 ? s / 60 + "m" : s + "s";
    }

    private String[] cells(String name, String meshed, JsonNode r) {
        JsonNode latency = r.path("latencyMs");
        JsonNode success = r.path("successRate");
        String rate = Formats.percent(success);
        if (!success.isNull() && !success.isMissingNode()) {
            rate = success.asDouble() >= 0.99 ? terminal.green(rate) : success.asDouble() >= 0.95 ? terminal.yellow(rate) : terminal.red(rate);
        }
        return new String[] {name, meshed, rate, Formats.rps(r.path("rps")), Formats.millis(latency.path("p50")),
                Formats.millis(latency.path("p95")), Formats.millis(latency.path("p99")), r.path("requests").asText("0")};
    }
}
