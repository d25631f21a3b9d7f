package dev.trellis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code trellis check}'s control plane section, one line per check like {@code linkerd check}: the API
 * answers, the configuration is valid, every proxy is connected, in sync, scraped, runs the control plane's
 * version and holds a certificate that is not about to expire, and the CA's roots are not about to expire.
 */
final class MeshChecks {
    private final ControlPlaneApi api;
    private final Terminal terminal;
    private final Duration warnBefore;
    private final Clock clock;
    private final PrintWriter out;
    private int failed;
    private int warned;

    MeshChecks(ControlPlaneApi api, Terminal terminal, Duration warnBefore, Clock clock, PrintWriter out) {
        this.api = api;
        this.terminal = terminal;
        this.warnBefore = warnBefore;
        this.clock = clock;
        this.out = out;
    }

    /**
     * @param required whether an unreachable API is a failure (else the section is skipped with a note)
     * @return 0 when every check passed, 1 when one failed or warned
     */
    int run(boolean required) throws InterruptedException {
        JsonNode status;
        JsonNode proxies;
        JsonNode instances;
        JsonNode ca;
        String version;
        try {
            status = body(api.get("/api/v1/status"));
            ControlPlaneApi.Reply v = api.get("/api/v1/version");
            version = v.ok() ? v.body().path("version").asText("dev") : null;
            proxies = body(api.get("/api/v1/proxies"));
            instances = body(api.get("/api/v1/instances"));
            ControlPlaneApi.Reply c = api.get("/api/v1/ca");
            ca = c.ok() ? c.body() : null; // a control plane without a CA serves no identities
        } catch (IOException e) {
            if (!required) {
                out.println("control plane API at " + api.address + ": not reachable, its checks are skipped");
                return 0;
            }
            header();
            check(false, "control plane API is reachable at " + api.address, List.of(e.getMessage()));
            return summary();
        }
        header();
        check(true, "control plane API is reachable at " + api.address + (version == null ? "" : " (version " + version + ")"), List.of());
        config(status.path("config"));
        connected(proxies, instances);
        inSync(proxies);
        scraped(proxies);
        versions(proxies, version);
        certificates(proxies, ca == null ? null : WorkloadCertificates.lifetime(ca));
        if (ca != null) {
            roots(ca.path("roots"));
        }
        return summary();
    }

    private static JsonNode body(ControlPlaneApi.Reply r) throws IOException {
        if (!r.ok()) {
            throw new IOException(r.error());
        }
        return r.body();
    }

    private void header() {
        out.println("control-plane");
        out.println("-------------");
    }

    private void config(JsonNode c) {
        List<String> errors = new ArrayList<>();
        c.path("errors").forEach(e -> errors.add(e.path("message").asText()));
        check(c.path("valid").asBoolean(false) && errors.isEmpty(), "configuration is valid (" + c.path("resources").asText("?")
                + " resources from " + c.path("directory").asText("?") + ")", errors);
    }

    private void connected(JsonNode proxies, JsonNode instances) {
        List<String> problems = new ArrayList<>();
        for (JsonNode i : instances.path("items")) {
            if (i.path("source").asText().equals("xds") && !i.path("connected").asBoolean(true)) {
                problems.add(i.path("id").asText() + ": its proxy disconnected (the instance expires after " + i.path("ttlSeconds").asText() + "s)");
            }
        }
        check(problems.isEmpty(), "proxies are connected (" + proxies.size() + " connected)", problems);
    }

    private void inSync(JsonNode proxies) {
        List<String> problems = new ArrayList<>();
        for (JsonNode p : proxies) {
            if (p.path("inSync").asBoolean(false)) {
                continue;
            }
            List<String> types = new ArrayList<>();
            p.path("versions").fields().forEachRemaining(e -> {
                JsonNode v = e.getValue();
                boolean nacked = !v.path("nacked").isNull() && !v.path("nacked").isMissingNode();
                boolean sent = !v.path("sent").isNull() && !v.path("sent").isMissingNode();
                if (nacked || v.path("acked").isNull() || sent && !v.path("sent").asText().equals(v.path("acked").asText())) {
                    String nack = nacked ? ", rejected: " + v.path("error").asText(v.path("nacked").asText()) : "";
                    types.add(e.getKey() + " sent " + v.path("sent").asText("-") + " acked " + v.path("acked").asText("-") + nack);
                }
            });
            problems.add(p.path("node").asText() + ": " + (types.isEmpty() ? "no configuration sent yet" : String.join("; ", types)));
        }
        check(problems.isEmpty(), "proxies are in sync with the control plane", problems);
    }

    private void scraped(JsonNode proxies) {
        List<String> problems = new ArrayList<>();
        for (JsonNode p : proxies) {
            if (p.path("adminAddress").isNull() || p.path("adminAddress").isMissingNode()) {
                continue; // not a Trellis sidecar, or one that did not tell its admin port
            }
            if (!p.path("scrapeError").isNull() && !p.path("scrapeError").isMissingNode()) {
                problems.add(p.path("node").asText() + ": " + p.path("scrapeError").asText());
            } else if (p.path("lastScrape").isNull() || p.path("lastScrape").isMissingNode()) {
                problems.add(p.path("node").asText() + ": not scraped yet");
            }
        }
        check(problems.isEmpty(), "proxy metrics are scraped", problems);
    }

    private void versions(JsonNode proxies, String version) {
        if (version == null) {
            warn("proxy versions match the control plane", List.of("the control plane does not tell its version"));
            return;
        }
        List<String> problems = new ArrayList<>();
        for (JsonNode p : proxies) {
            String agent = p.path("userAgent").asText("");
            if (agent.startsWith("trellis-proxy") && !agent.equals("trellis-proxy " + version)) {
                problems.add(p.path("node").asText() + ": " + agent);
            }
        }
        check(problems.isEmpty(), "proxy versions match the control plane (" + version + ")", problems);
    }

    /** @param lifetime the CA's workload certificate lifetime, null when unknown */
    private void certificates(JsonNode proxies, Duration lifetime) {
        Duration within = WorkloadCertificates.warnWithin(warnBefore, lifetime);
        List<Certificate> certificates = new ArrayList<>();
        for (JsonNode p : proxies) {
            JsonNode c = p.path("certificate");
            if (!c.isNull() && !c.isMissingNode()) {
                certificates.add(new Certificate(p.path("node").asText() + ": " + c.path("identity").asText("certificate"),
                        Instant.parse(c.path("notAfter").asText())));
            }
        }
        String what = "proxy certificates are valid for more than " + DurationText.of(within)
                + (within.equals(warnBefore) ? "" : ", a quarter of their " + DurationText.of(lifetime) + " lifetime");
        if (certificates.isEmpty()) {
            check(true, what + " (no proxy reports a workload certificate)", List.of());
            return;
        }
        expiring(what, certificates, within, certificates.size() + (certificates.size() == 1 ? " proxy" : " proxies"));
    }

    private void roots(JsonNode roots) {
        List<Certificate> certificates = new ArrayList<>();
        for (JsonNode r : roots) {
            certificates.add(new Certificate(r.path("subject").asText("root"), Instant.parse(r.path("notAfter").asText())));
        }
        String what = "CA roots are valid for more than " + DurationText.of(warnBefore);
        if (certificates.isEmpty()) {
            check(false, what, List.of("the CA reports no root"));
            return;
        }
        expiring(what, certificates, warnBefore, certificates.size() + (certificates.size() == 1 ? " root" : " roots"));
    }

    /** A certificate as a check lists it. */
    private record Certificate(String name, Instant notAfter) {
        @Override
        public String toString() {
            return name + " expires " + notAfter;
        }
    }

    /** Fails when one already expired, warns when one expires within {@code within}; lists only those. */
    private void expiring(String what, List<Certificate> certificates, Duration within, String counted) {
        Instant now = clock.instant();
        List<String> expired = new ArrayList<>();
        List<String> soon = new ArrayList<>();
        for (Certificate c : certificates) {
            if (!c.notAfter().isAfter(now)) {
                expired.add(c + " (expired)");
            } else if (Duration.between(now, c.notAfter()).compareTo(within) < 0) {
                soon.add(c.toString());
            }
        }
        if (!expired.isEmpty()) {
            expired.addAll(soon);
            check(false, what, expired);
        } else if (!soon.isEmpty()) {
            warn(what, soon);
        } else {
            check(true, what + " (" + counted + ")", List.of());
        }
    }

    private void check(boolean ok, String what, List<String> details) {
        if (!ok) {
            failed++;
        }
        line(ok ? terminal.ok() : terminal.fail(), what, details);
    }

    private void warn(String what, List<String> details) {
        warned++;
        line(terminal.warn(), what, details);
    }

    private void line(String mark, String what, List<String> details) {
        out.println(mark + " " + what);
        details.forEach(d -> out.println("    " + d));
        out.flush();
    }

    private int summary() {
        out.println();
        if (failed > 0) {
            out.println("Status check results are " + terminal.fail() + " (" + failed + " failed" + (warned > 0 ? ", " + warned + " warned" : "") + ")");
        } else if (warned > 0) {
            out.println("Status check results are " + terminal.warn() + " (" + warned + " warned)");
        } else {
            out.println("Status check results are " + terminal.ok());
        }
        out.flush();
        return failed > 0 || warned > 0 ? 1 : 0;
    }

    /** 168h → "7d", 90m → "90m". */
    static final class DurationText {
        private DurationText() {}

        static String of(Duration d) {
            long s = d.toSeconds();
            if (s % 86400 == 0 && s > 0) {
                return s / 86400 + "d";
            }
            if (s % 3600 == 0 && s > 0) {
                return s / 3600 + "h";
            }
            if (s % 60 == 0 && s > 0) {
                return s / 60 + "m";
            }
            return s + "s";
        }
    }
}
