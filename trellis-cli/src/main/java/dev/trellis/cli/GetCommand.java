package dev.trellis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code trellis get KIND [NAME]}: what the control plane serves. */
@Command(name = "get", mixinStandardHelpOptions = true,
        description = {"Show resources in force (a table; one resource as YAML), or the control plane's live state:",
                "  get instances   the registry: instances proxies and the API registered",
                "  get proxies     connected xDS clients with the versions they ACKed or NACKed",
                "  get status      everything, as JSON"})
final class GetCommand implements Callable<Integer> {
    enum Output { table, yaml, json }

    @Parameters(index = "0", paramLabel = "KIND", description = "service, httproute, ... (singular or plural), instances, proxies or status")
    String kind;

    @Parameters(index = "1", arity = "0..1", paramLabel = "NAME")
    String name;

    @Option(names = {"-n", "--namespace"}, description = "Namespace (default: all for a list, \"default\" for one resource).")
    String namespace;

    @Option(names = {"-o", "--output"}, description = "table, yaml or json (default: table; yaml for one resource).")
    Output output;

    @Mixin
    ControlPlaneApi api;

    @Override
    public Integer call() throws Exception {
        try {
            return run();
        } catch (java.io.IOException e) {
            System.err.println("trellis get: " + e.getMessage());
            return 1;
        }
    }

    private int run() throws Exception {
        String k = kind.toLowerCase(Locale.ROOT);
        return switch (k) {
            case "status" -> print(api.get("/api/v1/status"), reply -> System.out.println(reply.body().toPrettyString()));
            case "instance", "instances" -> print(api.get("/api/v1/instances"), this::instances);
            case "proxy", "proxies" -> print(api.get("/api/v1/status"), this::proxies);
            default -> resources();
        };
    }

    private int resources() throws Exception {
        String path = "/api/v1/resources/" + ControlPlaneApi.encode(kind) + (name == null ? "" : "/" + ControlPlaneApi.encode(name))
                + (namespace == null ? "" : "?namespace=" + ControlPlaneApi.encode(namespace));
        return print(api.get(path), reply -> {
            List<JsonNode> items = new ArrayList<>();
            if (name != null) {
                items.add(reply.body());
            } else {
                reply.body().path("items").forEach(items::add);
            }
            Output o = output != null ? output : name != null ? Output.yaml : Output.table;
            switch (o) {
                case json -> System.out.println(reply.body().toPrettyString());
                case yaml -> {
                    for (int i = 0; i < items.size(); i++) {
                        System.out.print((i > 0 ? "---\n" : "") + items.get(i).path("yaml").asText());
                    }
                }
                case table -> {
                    List<String[]> rows = new ArrayList<>();
                    rows.add(new String[] {"KIND", "NAMESPACE", "NAME", "FILE"});
                    for (JsonNode i : items) {
                        rows.add(new String[] {i.path("kind").asText(), i.path("namespace").asText(), i.path("name").asText(),
                                i.path("file").asText() + ":" + i.path("line").asText()});
                    }
                    table(rows);
                }
            }
        });
    }

    private void instances(ControlPlaneApi.Reply reply) {
        if (output == Output.json) {
            System.out.println(reply.body().toPrettyString());
            return;
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"ID", "SERVICE", "ADDRESS", "LABELS", "SOURCE", "CONNECTED", "LAST SEEN"});
        for (JsonNode i : reply.body().path("items")) {
            rows.add(new String[] {i.path("id").asText(), i.path("namespace").asText() + "/" + i.path("service").asText(),
                    i.path("address").asText() + ":" + i.path("port").asText(), i.path("labels").toString(),
                    i.path("source").asText(), i.path("connected").asText(), i.path("lastSeen").asText()});
        }
        table(rows);
    }

    private void proxies(ControlPlaneApi.Reply reply) {
        if (output == Output.json) {
            System.out.println(reply.body().path("proxies").toPrettyString());
            return;
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"NODE", "GROUP", "CLUSTERS", "ENDPOINTS", "LISTENERS", "ROUTES", "ERROR"});
        for (JsonNode p : reply.body().path("proxies")) {
            JsonNode v = p.path("versions");
            StringBuilder errors = new StringBuilder();
            v.fields().forEachRemaining(e -> {
                if (e.getValue().has("error")) {
                    errors.append(e.getKey()).append(": ").append(e.getValue().path("error").asText()).append(' ');
                }
            });
            rows.add(new String[] {p.path("node").asText(), p.path("group").asText(), acked(v, "clusters"), acked(v, "endpoints"),
                    acked(v, "listeners"), acked(v, "routes"), errors.toString().trim()});
        }
        table(rows);
    }

    /** "3f2a…" when ACKed, "3f2a… (sent 9c1d…)" while an update is in flight or was NACKed. */
    private static String acked(JsonNode versions, String type) {
        JsonNode t = versions.path(type);
        String acked = t.path("acked").asText("-");
        String sent = t.path("sent").asText("-");
        return acked.equals(sent) ? acked : acked + " (sent " + sent + ")";
    }

    private static void table(List<String[]> rows) {
        int[] widths = new int[rows.get(0).length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                widths[i] = Math.max(widths[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                line.append(i == r.length - 1 ? r[i] : String.format("%-" + (widths[i] + 2) + "s", r[i]));
            }
            System.out.println(line.toString().stripTrailing());
        }
    }

    private interface Printer {
        void print(ControlPlaneApi.Reply reply);
    }

    private static int print(ControlPlaneApi.Reply reply, Printer printer) {
        if (!reply.ok()) {
            System.err.println("trellis get: " + reply.error());
            return 1;
        }
        printer.print(reply);
        return 0;
    }
}
