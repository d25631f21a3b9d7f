package dev.trellis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code trellis tap SERVICE}: every request through the service's proxies as it happens, one line each. */
@Command(name = "tap", mixinStandardHelpOptions = true,
        description = {"Watch requests through a service's proxies live: one line per request (method, authority, path, "
                + "status, latency, peers), or the raw JSON events with -o json."})
final class TapCommand implements Callable<Integer> {
    enum Output { line, json }

    @Parameters(index = "0", paramLabel = "SERVICE")
    String service;

    @Option(names = "--max", paramLabel = "N", description = "Stop after N requests.")
    Integer max;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "30", description = "Stop after S seconds, up to 600 (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--method", paramLabel = "M", description = "Only requests with this method.")
    String method;

    @Option(names = "--path-prefix", paramLabel = "P", description = "Only requests whose path starts with P.")
    String pathPrefix;

    @Option(names = "--authority", paramLabel = "A", description = "Only requests to this authority (Host).")
    String authority;

    @Option(names = "--direction", paramLabel = "D", description = "inbound or outbound (default: both).")
    String direction;

    @Option(names = {"-o", "--output"}, defaultValue = "line", description = "line or json (default: ${DEFAULT-VALUE}).")
    Output output;

    @Mixin
    ControlPlaneApi api;

    @Spec
    CommandSpec spec;

    Terminal terminal = Terminal.detect();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        TapStream tap = new TapStream(api, service).filter("max", max).filter("seconds", seconds).filter("method", method)
                .filter("path_prefix", pathPrefix).filter("authority", authority).filter("direction", direction);
        try {
            tap.read((line, event) -> {
                out.println(output == Output.json ? line : describe(event));
                out.flush();
                return true;
            });
        } catch (IOException e) {
            spec.commandLine().getErr().println("trellis tap: " + e.getMessage());
            return 1;
        }
        return 0;
    }

    /**
     * {@code in  GET catalog/items -> 200 1234µs src=web(127.0.0.1:50312) dst=catalog route=default proxy=...}: one
     * line that reads left to right like the request did.
     */
    String describe(JsonNode e) {
        StringBuilder b = new StringBuilder();
        String dir = e.path("direction").asText("");
        b.append(dir.startsWith("in") ? "in " : dir.startsWith("out") ? "out" : dir).append(' ');
        b.append(":method=").append(e.path("method").asText("-"));
        b.append(" :authority=").append(e.path("authority").asText("-"));
        b.append(" :path=").append(e.path("path").asText("-"));
        String status = text(e, "status");
        boolean failed = !text(e, "error").isEmpty() || (status.matches("\\d+") && Integer.parseInt(status) >= 500);
        String rsp = " :status=" + (status.isEmpty() ? "-" : status);
        if (!text(e, "grpcStatus").isEmpty()) {
            rsp += " grpc-status=" + text(e, "grpcStatus");
        }
        b.append(failed ? terminal.red(rsp) : terminal.green(rsp));
        if (e.hasNonNull("latencyMs")) {
            b.append(" latency=").append(Math.round(e.path("latencyMs").asDouble() * 1000)).append("µs");
        }
        String source = text(e, "sourceService");
        String sourceAddress = text(e, "source");
        if (!source.isEmpty() || !sourceAddress.isEmpty()) {
            b.append(" src=").append(source.isEmpty() ? sourceAddress : sourceAddress.isEmpty() ? source : source + "(" + sourceAddress + ")");
        }
        append(b, "dst", text(e, "destination"));
        append(b, "route", text(e, "route"));
        append(b, "endpoint", text(e, "endpoint"));
        append(b, "error", text(e, "error"));
        append(b, "flags", text(e, "responseFlags"));
        append(b, "proxy", text(e, "proxy"));
        return b.toString();
    }

    private static void append(StringBuilder b, String key, String value) {
        if (!value.isEmpty()) {
            b.append(' ').append(key).append('=').append(value.contains(" ") ? '"' + value + '"' : value);
        }
    }

    private static String text(JsonNode e, String field) {
        JsonNode n = e.path(field);
        return n.isNull() || n.isMissingNode() ? "" : n.asText().toLowerCase(Locale.ROOT).equals("null") ? "" : n.asText();
    }
}
