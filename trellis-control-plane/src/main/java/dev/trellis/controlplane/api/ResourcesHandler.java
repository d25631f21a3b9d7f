package dev.trellis.controlplane.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.trellis.controlplane.store.ConfigDirectory;
import dev.trellis.controlplane.store.ConfigState;
import dev.trellis.controlplane.store.Outcome;
import dev.trellis.controlplane.store.ResourceKey;
import dev.trellis.controlplane.store.StoredDocument;
import java.io.IOException;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * /api/v1/resources: GET [KIND [NAME]] lists resources in force with their YAML; POST applies a YAML
 * body; DELETE KIND NAME removes one. Writes go to the configuration directory, validated first.
 * {@code ?namespace=} selects a namespace (default "default" for one resource; all for a list).
 */
final class ResourcesHandler implements HttpHandler {
    static final String PATH = "/api/v1/resources";

    private final ConfigDirectory directory;

    ResourcesHandler(ConfigDirectory directory) {
        this.directory = directory;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try (ex) {
            List<String> path = Exchanges.segments(ex, PATH);
            switch (ex.getRequestMethod()) {
                case "GET" -> get(ex, path);
                case "POST", "PUT" -> apply(ex);
                case "DELETE" -> delete(ex, path);
                default -> Exchanges.json(ex, 405, Json.error("method " + ex.getRequestMethod() + " (expected: GET, POST or DELETE)"));
            }
        }
    }

    private void get(HttpExchange ex, List<String> path) throws IOException {
        ConfigState state = directory.state();
        String namespace = Exchanges.query(ex).get("namespace");
        String kind = null;
        if (!path.isEmpty()) {
            Optional<String> k = KindNames.resolve(path.get(0), kinds(state));
            if (k.isEmpty()) {
                Exchanges.json(ex, 404, Json.error("kind " + path.get(0) + ": unknown (expected one of: " + String.join(", ", kinds(state)) + ")"));
                return;
            }
            kind = k.get();
        }
        if (path.size() >= 2) {
            ResourceKey key = new ResourceKey(kind, namespace == null ? "default" : namespace, path.get(1));
            StoredDocument doc = state.documents().get(key);
            if (doc == null) {
                Exchanges.json(ex, 404, Json.error(key + ": not found"));
            } else {
                Exchanges.json(ex, 200, item(doc));
            }
            return;
        }
        String k = kind;
        ArrayNode items = Json.MAPPER.createArrayNode();
        state.documents().values().stream()
                .filter(d -> k == null || d.key().kind().equals(k))
                .filter(d -> namespace == null || d.key().namespace().equals(namespace))
                .sorted(Comparator.comparing((StoredDocument d) -> d.key().kind()).thenComparing(d -> d.key().namespace())
                        .thenComparing(d -> d.key().name()))
                .forEach(d -> items.add(item(d)));
        ObjectNode out = Json.object();
        out.set("items", items);
        Exchanges.json(ex, 200, out);
    }

    private static ObjectNode item(StoredDocument d) {
        return Json.object()
                .put("kind", d.key().kind())
                .put("namespace", d.key().namespace())
                .put("name", d.key().name())
                .put("file", d.file())
                .put("line", d.line())
                .put("yaml", d.text());
    }

    private void apply(HttpExchange ex) throws IOException {
        String yaml;
        try {
            yaml = Exchanges.body(ex);
        } catch (IOException e) {
            Exchanges.json(ex, 413, Json.error(e.getMessage()));
            return;
        }
        respond(ex, directory.apply(yaml), null);
    }

    private void delete(HttpExchange ex, List<String> path) throws IOException {
        if (path.size() != 2) {
            Exchanges.json(ex, 400, Json.error("DELETE " + PATH + "/KIND/NAME[?namespace=NS] (expected: a kind and a name)"));
            return;
        }
        Optional<String> kind = KindNames.resolve(path.get(0), kinds(directory.state()));
        if (kind.isEmpty()) {
            Exchanges.json(ex, 404, Json.error("kind " + path.get(0) + ": unknown"));
            return;
        }
        String namespace = Exchanges.query(ex).getOrDefault("namespace", "default");
        ResourceKey key = new ResourceKey(kind.get(), namespace, path.get(1));
        respond(ex, directory.delete(key), key);
    }

    private void respond(HttpExchange ex, Outcome outcome, ResourceKey key) throws IOException {
        ObjectNode out = Json.object();
        switch (outcome.status()) {
            case OK -> {
                ArrayNode changes = out.putArray("changes");
                outcome.changes().forEach(changes::add);
                out.put("generation", directory.state().generation());
                Exchanges.json(ex, 200, out);
            }
            case NOT_FOUND -> Exchanges.json(ex, 404, Json.error(key + ": not found"));
            case INVALID -> {
                out.put("error", "rejected; nothing was written:\n" + outcome.problems().stream()
                        .map(Object::toString).collect(Collectors.joining("\n")));
                out.set("errors", Json.problems(outcome.problems()));
                Exchanges.json(ex, 422, out);
            }
        }
    }

    private static Set<String> kinds(ConfigState state) {
        Set<String> kinds = state.documents().keySet().stream().map(ResourceKey::kind).collect(Collectors.toCollection(java.util.TreeSet::new));
        kinds.addAll(KindNames.BUILT_IN);
        return kinds;
    }
}
