package dev.trellis.controlplane.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.trellis.controlplane.registry.Registry;
import dev.trellis.controlplane.store.ConfigDirectory;
import dev.trellis.controlplane.store.ConfigState;
import dev.trellis.controlplane.xds.ProxyStream;
import dev.trellis.controlplane.xds.ProxyStreams;
import dev.trellis.controlplane.xds.SnapshotPublisher;
import dev.trellis.controlplane.xds.TypeStatus;
import java.io.IOException;
import java.util.Map;

/**
 * GET /api/v1/status: the configuration in force and why the directory's current content is rejected,
 * if it is; every connected xDS client with what it was sent, ACKed and NACKed per resource type; and
 * registry and publishing counters.
 */
final class StatusHandler implements HttpHandler {
    static final String PATH = "/api/v1/status";

    private final ConfigDirectory directory;
    private final Registry registry;
    private final ProxyStreams streams;
    private final SnapshotPublisher publisher;
    private final int xdsPort;

    StatusHandler(ConfigDirectory directory, Registry registry, ProxyStreams streams, SnapshotPublisher publisher, int xdsPort) {
        this.directory = directory;
        this.registry = registry;
        this.streams = streams;
        this.publisher = publisher;
        this.xdsPort = xdsPort;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if (!ex.getRequestMethod().equals("GET")) {
                Exchanges.json(ex, 405, Json.error("method " + ex.getRequestMethod() + " (expected: GET)"));
                return;
            }
            ObjectNode out = Json.object();
            out.set("config", config(directory.state()));
            out.set("xds", xds());
            out.set("proxies", proxies());
            out.put("instances", registry.instances().size());
            Exchanges.json(ex, 200, out);
        }
    }

    private ObjectNode config(ConfigState s) {
        ObjectNode c = Json.object()
                .put("directory", directory.directory().toString())
                .put("generation", s.generation())
                .put("loadedAt", s.loadedAt().toString())
                .put("checkedAt", s.checkedAt().toString())
                .put("valid", s.valid())
                .put("resources", s.resources().resources().size());
        c.set("errors", Json.problems(s.problems()));
        return c;
    }

    private ObjectNode xds() {
        ObjectNode x = Json.object()
                .put("port", xdsPort)
                .put("publishes", publisher.publishes())
                .put("lastPublishMillis", publisher.lastPublishNanos() / 1_000_000.0);
        ObjectNode groups = x.putObject("groups");
        publisher.groups().forEach((k, n) -> groups.put(k.toString(), n));
        return x;
    }

    private ArrayNode proxies() {
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (ProxyStream s : streams.streams()) {
            ObjectNode p = out.addObject()
                    .put("node", s.node().getId())
                    .put("group", s.key().toString())
                    .put("stream", s.id())
                    .put("connectedAt", s.openedAt().toString())
                    .put("userAgent", (s.node().getUserAgentName() + " " + s.node().getUserAgentVersion()).trim());
            s.instanceId().ifPresent(id -> p.put("instance", id));
            ObjectNode versions = p.putObject("versions");
            for (Map.Entry<String, TypeStatus> t : s.types().entrySet()) {
                ObjectNode v = versions.putObject(t.getKey());
                v.put("sent", t.getValue().sent());
                v.put("acked", t.getValue().acked());
                if (t.getValue().rejected() != null) {
                    v.put("rejected", t.getValue().rejected());
                    v.put("error", t.getValue().error());
                }
            }
        }
        return out;
    }
}
