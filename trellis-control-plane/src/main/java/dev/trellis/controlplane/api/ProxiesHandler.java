package dev.trellis.controlplane.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.trellis.config.xds.NodeIdentity;
import dev.trellis.controlplane.ca.CertificateAuthority;
import dev.trellis.controlplane.telemetry.MetricsScraper;
import dev.trellis.controlplane.telemetry.ProxyTarget;
import dev.trellis.controlplane.telemetry.ScrapeStatus;
import dev.trellis.controlplane.xds.ProxyStream;
import dev.trellis.controlplane.xds.ProxyStreams;
import dev.trellis.controlplane.xds.TypeStatus;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * GET /api/v1/proxies: every connected xDS client with its sync state, scrape state and workload
 * certificate; GET /api/v1/proxies/{node}/config_dump relays that proxy's admin /config_dump.
 */
final class ProxiesHandler implements HttpHandler {
    static final String PATH = "/api/v1/proxies";
    private static final Duration RELAY_TIMEOUT = Duration.ofSeconds(5);

    private final ProxyStreams streams;
    private final MetricsScraper scraper;
    private final CertificateAuthority ca;
    private final HttpClient http;

    ProxiesHandler(ProxyStreams streams, MetricsScraper scraper, CertificateAuthority ca, HttpClient http) {
        this.streams = streams;
        this.scraper = scraper;
        this.ca = ca;
        this.http = http;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try (ex) {
            List<String> path = Exchanges.segments(ex, PATH);
            if (!ex.getRequestMethod().equals("GET")) {
                Exchanges.json(ex, 405, Json.error("method " + ex.getRequestMethod() + " (expected: GET)"));
            } else if (path.isEmpty()) {
                ArrayNode out = Json.MAPPER.createArrayNode();
                streams.streams().forEach(s -> proxy(out.addObject(), s));
                Exchanges.json(ex, 200, out);
            } else if (path.size() == 2 && path.get(1).equals("config_dump")) {
                configDump(ex, path.get(0));
            } else {
                Exchanges.json(ex, 404, Json.error(ex.getRequestURI().getPath() + " (expected: " + PATH + " or " + PATH + "/{node}/config_dump)"));
            }
        }
    }

    private void proxy(ObjectNode p, ProxyStream s) {
        Optional<NodeIdentity> identity = s.identity();
        p.put("node", s.node().getId());
        p.put("service", identity.map(i -> i.proxy().serviceName()).orElse(s.node().getCluster()));
        p.put("instance", s.instanceId().orElse(null));
        p.put("address", identity.map(i -> i.address().isEmpty() ? "127.0.0.1" : i.address()).orElse(null));
        p.put("adminAddress", identity.filter(i -> i.adminPort() > 0).map(ProxyTarget::adminAddress).orElse(null));
        p.put("connected", true);
        p.put("connectedAt", s.openedAt().toString());
        Map<String, TypeStatus> types = s.types();
        p.put("inSync", inSync(types));
        ObjectNode versions = p.putObject("versions");
        types.forEach((type, t) -> {
            ObjectNode v = versions.putObject(type).put("sent", t.sent()).put("acked", t.acked()).put("nacked", t.rejected());
            if (t.error() != null) {
                v.put("error", t.error());
            }
        });
        p.put("userAgent", (s.node().getUserAgentName() + " " + s.node().getUserAgentVersion()).trim());
        Optional<ScrapeStatus> scrape = scraper.status(s.id());
        p.put("lastScrape", scrape.map(ScrapeStatus::lastScrape).map(Object::toString).orElse(null));
        p.put("scrapeError", scrape.map(ScrapeStatus::error).orElse(null));
        ScrapeStatus.Certificate cert = scrape.map(ScrapeStatus::certificate).orElse(null);
        if (cert == null) {
            p.putNull("certificate");
        } else {
            String id = cert.identity() != null ? cert.identity() : identity.map(this::spiffeId).orElse(null);
            p.putObject("certificate").put("identity", id).put("notAfter", cert.notAfter().toString());
        }
    }

    /**
     * Every resource type's latest version is ACKed and none is NACKed. A client that reconnects reports the
     * versions it runs; what it already has is not sent again, so an ACKed version with nothing sent since
     * is in sync.
     */
    static boolean inSync(Map<String, TypeStatus> types) {
        return !types.isEmpty() && types.values().stream().allMatch(t -> t.rejected() == null && t.acked() != null
                && (t.sent() == null || t.sent().equals(t.acked())));
    }

    /** The identity the CA issues to this proxy's service: what its certificate names. */
    private String spiffeId(NodeIdentity i) {
        try {
            return ca.identityOf(i.proxy().namespace(), i.proxy().serviceName()).uri();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private void configDump(HttpExchange ex, String node) throws IOException {
        Optional<ProxyStream> stream = streams.streams().stream().filter(s -> s.node().getId().equals(node))
                .reduce((first, later) -> later);
        if (stream.isEmpty()) {
            Exchanges.json(ex, 404, Json.error("proxy " + node + ": not connected"));
            return;
        }
        Optional<String> admin = stream.get().identity().filter(i -> i.adminPort() > 0).map(ProxyTarget::adminAddress);
        if (admin.isEmpty()) {
            Exchanges.json(ex, 404, Json.error("proxy " + node + ": no admin port (expected: a Trellis sidecar that tells it)"));
            return;
        }
        HttpResponse<byte[]> r;
        try {
            r = http.send(HttpRequest.newBuilder(URI.create("http://" + admin.get() + "/config_dump")).timeout(RELAY_TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            Exchanges.json(ex, 502, Json.error("proxy " + node + ": GET http://" + admin.get() + "/config_dump: " + e));
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            Exchanges.json(ex, 503, Json.error("interrupted"));
            return;
        }
        if (r.statusCode() != 200) {
            Exchanges.json(ex, 502, Json.error("proxy " + node + ": GET /config_dump: HTTP " + r.statusCode()));
            return;
        }
        ex.getResponseHeaders().set("Content-Type", "application/json");
        byte[] body = r.body();
        ex.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }
}
