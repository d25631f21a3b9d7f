package dev.trellis.cli;

import dev.trellis.controlplane.ca.Pem;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code trellis check}: warns before any certificate of the mesh expires — the CA's roots and signing
 * certificate, workload certificates in identity directories, and what running sidecars report — and
 * checks the mesh through the control plane's API: configuration valid, proxies connected, in sync,
 * scraped, on the control plane's version, with certificates not about to expire.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Warn before a certificate or root expires, and check the mesh through the control plane's API "
                + "(checked when --control-plane-api is given or no certificate option is; otherwise only when it answers). "
                + "Exit code 1 when a check fails or a certificate expires within --warn-before (or already has), "
                + "2 when something cannot be read."})
final class CheckCommand implements Callable<Integer> {

    @Option(names = "--config-dir", paramLabel = "DIR", description = "The control plane's --config-dir: checks its CA (DIR/.trellis/ca).")
    Path configDir;

    @Option(names = "--ca-dir", paramLabel = "DIR", description = "A CA directory to check.")
    Path caDir;

    @Option(names = "--identity-dir", paramLabel = "DIR", description = "A sidecar identity directory (cert-chain.pem, root-cert.pem); repeatable.")
    List<Path> identityDirs = new ArrayList<>();

    @Option(names = "--proxy-admin", paramLabel = "HOST:PORT", description = "A running sidecar's admin address; repeatable.")
    List<String> proxies = new ArrayList<>();

    @Option(names = "--warn-before", defaultValue = "168h", converter = DurationConverter.class,
            description = "Warn when a certificate expires within this (default: ${DEFAULT-VALUE}); a workload certificate, "
                    + "which its sidecar renews, within a quarter of its lifetime when that is sooner.")
    Duration warnBefore;

    @Mixin
    ControlPlaneApi api;

    @Spec
    CommandSpec spec;

    Clock clock = Clock.systemUTC();

    Terminal terminal = Terminal.detect();

    private PrintWriter out;

    @Override
    public Integer call() throws InterruptedException {
        out = spec.commandLine().getOut();
        boolean certificateOptions = configDir != null || caDir != null || !identityDirs.isEmpty() || !proxies.isEmpty();
        int certificates = certificateOptions ? certificates() : 0;
        boolean apiGiven = spec.commandLine().getParseResult() != null
                && spec.commandLine().getParseResult().hasMatchedOption("--control-plane-api");
        if (certificateOptions) {
            out.println();
        }
        int mesh = new MeshChecks(api, terminal, warnBefore, clock, out).run(apiGiven || !certificateOptions);
        out.flush();
        return Math.max(certificates, mesh);
    }

    /** The certificate files and sidecars named by the options: 0 fine, 1 expiring or expired, 2 unreadable. */
    private int certificates() throws InterruptedException {
        List<Finding> findings = new ArrayList<>();
        boolean unreadable = false;
        Path ca = caDir != null ? caDir : configDir == null ? null : configDir.resolve(".trellis").resolve("ca");
        List<String[]> files = new ArrayList<>();
        if (ca != null) {
            for (String f : List.of("root-cert.pem", "next-root-cert.pem", "previous-root-cert.pem", "ca-cert.pem", "cert-chain.pem")) {
                files.add(new String[] {"CA " + f, ca.resolve(f).toString()});
            }
        }
        for (Path dir : identityDirs) {
            files.add(new String[] {"identity", dir.resolve("cert-chain.pem").toString()});
            files.add(new String[] {"trust bundle", dir.resolve("root-cert.pem").toString()});
        }
        for (String[] f : files) {
            Path p = Path.of(f[1]);
            if (!Files.exists(p)) {
                if (!f[0].startsWith("CA ") || f[0].equals("CA root-cert.pem")) {
                    out.println("ERROR   " + p + ": missing");
                    unreadable = true;
                }
                continue;
            }
            try {
                boolean leaf = f[0].equals("identity");
                for (X509Certificate c : Pem.readCertificates(Files.readString(p, StandardCharsets.US_ASCII))) {
                    Duration within = leaf ? WorkloadCertificates.warnWithin(warnBefore,
                            Duration.between(c.getNotBefore().toInstant(), c.getNotAfter().toInstant())) : warnBefore;
                    findings.add(new Finding(f[0] + " " + p + " (" + name(c) + ")", c.getNotAfter().toInstant(), within));
                    leaf = false; // the rest of a chain are CA certificates
                }
            } catch (IOException | IllegalArgumentException e) {
                out.println("ERROR   " + p + ": " + e.getMessage());
                unreadable = true;
            }
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
        Duration sidecarWithin = proxies.isEmpty() ? warnBefore : WorkloadCertificates.warnWithin(warnBefore, caLifetime());
        for (String admin : proxies) {
            try {
                findings.add(new Finding("sidecar " + admin + " workload certificate", proxyExpiry(http, admin), sidecarWithin));
            } catch (Exception e) {
                out.println("ERROR   sidecar " + admin + ": " + e.getMessage());
                unreadable = true;
            }
        }
        if (findings.isEmpty() && !unreadable) {
            spec.commandLine().getErr().println("trellis check: nothing to check (expected: --config-dir, --ca-dir, --identity-dir or --proxy-admin)");
            return 2;
        }
        Instant now = clock.instant();
        boolean warned = false;
        for (Finding f : findings) {
            Duration left = Duration.between(now, f.notAfter);
            String level = left.isNegative() ? "EXPIRED" : left.compareTo(f.warnWithin) < 0 ? "WARN" : "OK";
            warned |= !level.equals("OK");
            out.printf("%-7s %s: expires %s (%s)%n", level, f.what, f.notAfter, left.isNegative() ? "expired" : "in " + human(left));
        }
        return unreadable ? 2 : warned ? 1 : 0;
    }

    /** @param warnWithin how close to its expiry the certificate may come before it is worth a warning */
    private record Finding(String what, Instant notAfter, Duration warnWithin) {}

    /** The lifetime of the workload certificates the control plane's CA issues, or null when its API does not say. */
    private Duration caLifetime() throws InterruptedException {
        try {
            ControlPlaneApi.Reply r = api.get("/api/v1/ca");
            return r.ok() ? WorkloadCertificates.lifetime(r.body()) : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static Instant proxyExpiry(HttpClient http, String admin) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + admin + "/metrics"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        for (String line : r.body().split("\n")) {
            if (line.startsWith("identity_cert_expiration_timestamp_seconds ")) {
                long seconds = (long) Double.parseDouble(line.substring(line.indexOf(' ') + 1).trim());
                if (seconds == 0) {
                    throw new IOException("no workload certificate (mutual TLS unavailable)");
                }
                return Instant.ofEpochSecond(seconds);
            }
        }
        throw new IOException("no identity_cert_expiration_timestamp_seconds in /metrics");
    }

    private static String name(X509Certificate c) {
        try {
            if (c.getSubjectAlternativeNames() != null) {
                for (List<?> san : c.getSubjectAlternativeNames()) {
                    if (Integer.valueOf(6).equals(san.get(0)) && String.valueOf(san.get(1)).contains("/ns/")) {
                        return String.valueOf(san.get(1));
                    }
                }
            }
        } catch (Exception e) {
            // fall back to the subject
        }
        return c.getSubjectX500Principal().getName();
    }

    private static String human(Duration d) {
        if (d.toDays() >= 2) {
            return d.toDays() + "d";
        }
        if (d.toHours() >= 2) {
            return d.toHours() + "h";
        }
        return Math.max(0, d.toMinutes()) + "m";
    }
}
