package dev.trellis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code trellis proxy-config NAME}: what one proxy runs with, through the control plane. */
@Command(name = "proxy-config", mixinStandardHelpOptions = true,
        description = {"Show the configuration a proxy runs with (its admin /config_dump, relayed by the control plane): "
                + "listeners, routes, clusters and endpoints, or the raw JSON with -o json. NAME is a node id or a service "
                + "(pick one of several proxies with --node)."})
final class ProxyConfigCommand implements Callable<Integer> {
    enum Output { summary, json }

    @Parameters(index = "0", paramLabel = "NAME", description = "A node id (see `trellis get proxies`) or a service.")
    String name;

    @Option(names = "--node", paramLabel = "NODE", description = "Which of the service's proxies.")
    String node;

    @Option(names = {"-o", "--output"}, defaultValue = "summary", description = "summary or json (default: ${DEFAULT-VALUE}).")
    Output output;

    @Mixin
    ControlPlaneApi api;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            ControlPlaneApi.Reply proxies = api.get("/api/v1/proxies");
            if (!proxies.ok()) {
                err.println("trellis proxy-config: " + proxies.error());
                return 1;
            }
            List<JsonNode> matches = new ArrayList<>();
            for (JsonNode p : proxies.body()) {
                boolean byNode = p.path("node").asText().equals(name);
                boolean byService = p.path("service").asText().equals(name) && (node == null || p.path("node").asText().equals(node));
                if (byNode || byService) {
                    matches.add(p);
                }
            }
            if (matches.isEmpty()) {
                err.println("trellis proxy-config: " + name + (node == null ? "" : " --node " + node)
                        + ": no connected proxy (expected: a node id or a service; see `trellis get proxies`)");
                return 1;
            }
            if (matches.size() > 1) {
                err.println("trellis proxy-config: service " + name + " has " + matches.size() + " proxies; pick one with --node:");
                matches.forEach(p -> err.println("  " + p.path("node").asText()));
                return 1;
            }
            String id = matches.get(0).path("node").asText();
            ControlPlaneApi.Reply dump = api.get("/api/v1/proxies/" + ControlPlaneApi.encode(id) + "/config_dump");
            if (!dump.ok()) {
                err.println("trellis proxy-config: " + dump.error());
                return 1;
            }
            if (output == Output.json) {
                out.println(dump.body().toPrettyString());
            } else {
                summary(out, id, dump.body());
            }
            out.flush();
            return 0;
        } catch (IOException e) {
            err.println("trellis proxy-config: " + e.getMessage());
            return 1;
        }
    }

    private static void summary(PrintWriter out, String id, JsonNode d) {
        JsonNode n = d.path("node");
        out.println("proxy    " + id + " (service " + n.path("service").asText() + ", namespace " + n.path("namespace").asText()
                + ", app port " + n.path("appPort").asText() + ")");
        out.println("source   " + n.path("configSource").asText("-"));
        Map<String, String> versions = new TreeMap<>();
        d.path("versions").fields().forEachRemaining(e -> versions.put(e.getKey(), e.getValue().asText()));
        out.println("versions " + (versions.isEmpty() ? "-" : versions.toString().replaceAll("[{}]", "")));

        TextTable listeners = new TextTable("LISTENER", "DIRECTION", "PROTOCOL", "PORT", "ROUTES", "CLUSTER", "TLS");
        for (JsonNode l : sorted(d.path("listeners"))) {
            listeners.row(l.path("name").asText(), l.path("direction").asText(), l.path("protocol").asText(), l.path("port").asText(),
                    orDash(l.path("routeTable")), orDash(l.path("tcpCluster")), orDash(l.path("tlsMode")));
        }
        section(out, "LISTENERS", listeners);

        TextTable routes = new TextTable("TABLE", "HOST", "DOMAINS", "ROUTE", "BACKENDS");
        for (JsonNode table : sorted(d.path("routeTables"))) {
            for (JsonNode vh : table.path("virtualHosts")) {
                List<String> domains = new ArrayList<>();
                vh.path("domains").forEach(x -> domains.add(x.asText()));
                String shown = domains.size() > 3 ? String.join(",", domains.subList(0, 3)) + ",+" + (domains.size() - 3) : String.join(",", domains);
                for (JsonNode r : vh.path("routes")) {
                    routes.row(table.path("name").asText(), vh.path("name").asText(), shown, r.path("name").asText(), backends(r.path("action")));
                }
            }
        }
        section(out, "ROUTES", routes);

        TextTable clusters = new TextTable("CLUSTER", "SERVICE", "PROTOCOL", "LB", "ENDPOINTS");
        for (JsonNode c : sorted(d.path("clusters"))) {
            int endpoints = d.path("endpoints").path(c.path("name").asText()).path("endpoints").size();
            clusters.row(c.path("name").asText(), c.path("service").asText(), c.path("protocol").asText(), c.path("lbPolicy").asText(),
                    Integer.toString(endpoints));
        }
        section(out, "CLUSTERS", clusters);

        TextTable endpoints = new TextTable("CLUSTER", "ADDRESS", "WEIGHT", "MESHED", "LABELS");
        for (JsonNode set : sorted(d.path("endpoints"))) {
            for (JsonNode e : set.path("endpoints")) {
                Map<String, String> labels = new TreeMap<>();
                e.path("labels").fields().forEachRemaining(x -> labels.put(x.getKey(), x.getValue().asText()));
                endpoints.row(set.path("cluster").asText(), e.path("host").asText() + ":" + e.path("port").asText(), e.path("weight").asText(),
                        e.path("meshed").asText(), labels.isEmpty() ? "-" : labels.toString().replaceAll("[{} ]", ""));
            }
        }
        section(out, "ENDPOINTS", endpoints);
    }

    private static void section(PrintWriter out, String title, TextTable t) {
        out.println();
        if (t.size() == 0) {
            out.println(title + ": none");
        } else {
            t.print(out);
        }
    }

    /** Weighted backends, then any mirrors ("+mirror cluster(10%)"); a redirect shows its status instead. */
    static String backends(JsonNode action) {
        JsonNode redirect = action.path("redirect");
        if (redirect.isObject()) {
            return "redirect " + redirect.path("status").asText();
        }
        List<String> out = new ArrayList<>();
        action.path("backends").forEach(b -> out.add(b.path("cluster").asText() + "(" + b.path("weight").asText() + ")"));
        String shown = String.join(",", out);
        for (JsonNode m : action.path("mirrors")) {
            double percent = m.path("perMillion").asInt() / 10_000.0;
            shown += " +mirror " + m.path("cluster").asText() + "(" + (percent == Math.rint(percent) ? Long.toString((long) percent)
                    : Double.toString(percent)) + "%)";
        }
        return shown;
    }

    private static String orDash(JsonNode n) {
        return n.isNull() || n.isMissingNode() || n.asText().isEmpty() ? "-" : n.asText();
    }

    /** The values of a JSON object, by key. */
    private static List<JsonNode> sorted(JsonNode object) {
        TreeMap<String, JsonNode> byName = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            byName.put(e.getKey(), e.getValue());
        }
        return new ArrayList<>(byName.values());
    }
}
