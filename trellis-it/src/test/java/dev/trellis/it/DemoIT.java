package dev.trellis.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code trellis demo --duration 30s} from the shaded jar: a control plane and every service under
 * {@code trellis run}; every service gets traffic through its sidecar and all of it succeeds while the canary
 * shifts catalog from v1 to v2 in steps through the control plane; trace headers cross the mesh; and when it
 * stops, none of the processes it started is left listening.
 */
class DemoIT {
    private static final List<String> SERVICES = List.of("web", "catalog-v1", "catalog-v2", "recommend");
    /** "  web   44327   35113   37021  http://127.0.0.1:43843/metrics ...": sidecar, app, outbound, inbound, admin. */
    private static final Pattern SIDECAR_ROW = Pattern.compile(
            "^\\s+(\\S+)\\s+(\\d+|-)\\s+(\\d+)\\s+(\\d+)\\s+http://127\\.0\\.0\\.1:(\\d+)/metrics.*");
    /** "web  29.9  100.00%  42  200  301": name, rps, success, p50, p99, responses. */
    private static final Pattern STATS_ROW = Pattern.compile(
            "^(\\S+(?: -> \\S+)?)\\s+([\\d.]+)\\s+(\\S+%|-)\\s+(\\S+)\\s+(\\S+)\\s+(\\d+)$");
    /** "load: 894 sent, 894 ok, 0 failed, 0 skipped". */
    static final Pattern LOAD = Pattern.compile("^load: (\\d+) sent, (\\d+) ok, (\\d+) failed, (\\d+) skipped$");
    /** "trellis demo: canary step 3/5: catalog-v2 25%, catalog-v1 75% ...". */
    private static final Pattern CANARY_STEP = Pattern.compile("^trellis demo: canary step (\\d)/5: catalog-v2 (\\d+)%.*");
    /** "  control plane  http://127.0.0.1:41234   (REST API: ...". */
    private static final Pattern XDS = Pattern.compile("^\\s+xDS \\(ADS\\)\\s+127\\.0\\.0\\.1:(\\d+)$");
    private static final Pattern CONTROL_PLANE = Pattern.compile("^\\s+control plane\\s+http://127\\.0\\.0\\.1:(\\d+)\\s.*");

    @TempDir
    Path workDir;

    @Test
    void demoDrivesTrafficThroughEverySidecarAndStopsCleanly() throws Exception {
        String jar = System.getProperty("trellis.jar");
        assertThat(jar).as("system property trellis.jar").isNotBlank();
        assertThat(Path.of(jar)).exists();
        Process demo = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dtrellis.jar=" + jar, "-jar", jar,
                "demo", "--duration", "30s", "--rps", "30", "--interval", "3s", "--canary-step", "4s",
                "--work-dir", workDir.toString())
                .redirectErrorStream(true)
                .start();
        List<String> output = new CopyOnWriteArrayList<>();
        Thread reader = OutputLines.collect(demo, output);
        List<Integer> ports = new ArrayList<>();
        try {
            await("the demo's banner").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
                    .failFast("the demo exited early:\n" + String.join("\n", output), () -> !demo.isAlive())
                    .until(() -> output.stream().anyMatch(line -> line.contains("try:  curl")));
            Map<String, int[]> sidecars = sidecars(output);
            assertThat(sidecars).containsKeys("client", "web", "catalog-v1", "catalog-v2", "recommend");
            sidecars.values().forEach(p -> {
                for (int port : p) {
                    if (port > 0) {
                        ports.add(port);
                    }
                }
            });
            Matcher api = output.stream().map(CONTROL_PLANE::matcher).filter(Matcher::matches).findFirst()
                    .orElseThrow(() -> new AssertionError("no control plane API URL in:\n" + String.join("\n", output)));
            ports.add(Integer.parseInt(api.group(1)));
            Matcher xds = output.stream().map(XDS::matcher).filter(Matcher::matches).findFirst()
                    .orElseThrow(() -> new AssertionError("no xDS address in:\n" + String.join("\n", output)));
            ports.add(Integer.parseInt(xds.group(1)));

            assertTraceHeadersCrossTheMesh(sidecars.get("client")[1]);
            assertCallsBetweenSidecarsAreMutualTls(sidecars.get("web")[3]);

            assertThat(demo.waitFor(3, TimeUnit.MINUTES)).as("demo stopped by itself").isTrue();
            reader.join(5_000);
            String all = String.join("\n", output);
            assertThat(demo.exitValue()).as("exit code; output:\n%s", all).isZero();

            List<String> totals = totals(output);
            for (String service : SERVICES) {
                Matcher row = row(totals, service).orElseThrow(() -> new AssertionError(
                        "no totals row for " + service + " in:\n" + all));
                assertThat(Long.parseLong(row.group(6))).as("%s responses in:\n%s", service, all).isPositive();
                assertThat(row.group(3)).as("%s success rate in:\n%s", service, all).isEqualTo("100.00%");
            }
            assertThat(output.stream().map(CANARY_STEP::matcher).filter(Matcher::matches)
                    .map(m -> m.group(1) + ":" + m.group(2)).toList())
                    .as("canary steps in:\n%s", all)
                    .containsExactly("1:0", "2:10", "3:25", "4:50", "5:100");
            List<String> lastInterval = lastInterval(output);
            assertThat(Long.parseLong(row(lastInterval, "catalog-v2").orElseThrow().group(6)))
                    .as("at 100%% catalog-v2 gets the catalog traffic of the last interval:\n%s", all)
                    .isPositive()
                    .isGreaterThan(Long.parseLong(row(lastInterval, "catalog-v1").orElseThrow().group(6)));
            Matcher load = totals.stream().map(LOAD::matcher).filter(Matcher::matches).findFirst()
                    .orElseThrow(() -> new AssertionError("no load line in:\n" + all));
            assertThat(Long.parseLong(load.group(1))).as("sent").isGreaterThan(100);
            assertThat(load.group(3)).as("failed requests in:\n%s", all).isEqualTo("0");
            assertThat(all).doesNotContain("\u001b[");

            assertThat(workDir.resolve("config/services.yaml")).content().contains("selector: {app: catalog, version: v2}");
            assertThat(workDir.resolve("config/routes.yaml")).content()
                    .contains("kind: HTTPRoute", "{name: catalog-v1, weight: 0}, {name: catalog-v2, weight: 100}");
            try (var logs = Files.list(workDir.resolve("logs"))) {
                // the control plane, the client sidecar and one `trellis run` per service (its sidecar and app)
                assertThat(logs.count()).isEqualTo(6);
            }
            for (int port : ports) {
                assertThat(listening(port)).as("port %d still open after the demo stopped", port).isFalse();
            }
        } finally {
            demo.descendants().forEach(ProcessHandle::destroyForcibly);
            demo.destroyForcibly();
        }
    }

    /** A request with a request id goes client sidecar -> web -> catalog and recommend, and comes back. */
    /** The demo provisions identities: web's sidecar sees its caller, the client sidecar, by its SPIFFE ID. */
    private static void assertCallsBetweenSidecarsAreMutualTls(int webAdminPort) throws IOException {
        RawResponse metrics = RawHttp.get(webAdminPort, "127.0.0.1", "/metrics", Map.of());
        assertThat(metrics.status()).isEqualTo(200);
        List<String> inbound = metrics.body().lines().filter(l -> l.startsWith("request_total{direction=\"inbound\"")).toList();
        assertThat(inbound).as("web's inbound request_total series").isNotEmpty()
                .allSatisfy(l -> assertThat(l).contains("tls=\"true\"", "client_id=\"spiffe://cluster.local/ns/default/sa/client\""));
    }

    private static void assertTraceHeadersCrossTheMesh(int clientOutboundPort) throws IOException {
        String requestId = "demo-it-" + System.nanoTime();
        RawResponse page = RawHttp.get(clientOutboundPort, "web", "/?user=it", Map.of("x-request-id", requestId));

        assertThat(page.status()).as(page.body()).isEqualTo(200);
        assertThat(page.body())
                .contains("\"requestId\":\"" + requestId + "\"")
                .contains("\"recommendRequestId\":\"" + requestId + "\"");
        RawResponse feed = RawHttp.get(clientOutboundPort, "web", "/feed", Map.of());
        assertThat(feed.status()).as(feed.body()).isEqualTo(200);
        assertThat(feed.body()).contains("\"feed\":[{\"item\":");
    }

    private static Map<String, int[]> sidecars(List<String> output) {
        Map<String, int[]> sidecars = new LinkedHashMap<>();
        for (String line : output) {
            Matcher m = SIDECAR_ROW.matcher(line);
            if (m.matches()) {
                int app = m.group(2).equals("-") ? 0 : Integer.parseInt(m.group(2));
                sidecars.put(m.group(1), new int[] {app, Integer.parseInt(m.group(3)),
                        Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5))});
            }
        }
        return sidecars;
    }

    /** The lines after the last "totals over" heading. */
    private static List<String> totals(List<String> output) {
        for (int i = output.size() - 1; i >= 0; i--) {
            if (output.get(i).startsWith("totals over")) {
                return output.subList(i + 1, output.size());
            }
        }
        throw new AssertionError("no totals in:\n" + String.join("\n", output));
    }

    /** The lines of the last interval table before the totals. */
    private static List<String> lastInterval(List<String> output) {
        int totals = output.size();
        for (int i = output.size() - 1; i >= 0; i--) {
            if (output.get(i).startsWith("totals over")) {
                totals = i;
            } else if (output.get(i).contains("] traffic over the last") && i < totals) {
                return output.subList(i + 1, totals);
            }
        }
        throw new AssertionError("no interval table in:\n" + String.join("\n", output));
    }

    private static Optional<Matcher> row(List<String> lines, String name) {
        return lines.stream().map(STATS_ROW::matcher).filter(m -> m.matches() && m.group(1).equals(name)).findFirst();
    }

    record RawResponse(int status, String body) {}

    /**
     * One HTTP/1.1 GET over a plain socket. The JDK client only sets a Host header when a JVM-wide property
     * allowed it before its first use, which other tests sharing this JVM may have preceded.
     */
    static final class RawHttp {
        static RawResponse get(int port, String host, String path, Map<String, String> headers) throws IOException {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2_000);
                socket.setSoTimeout(10_000);
                StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n");
                headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
                request.append("Connection: close\r\n\r\n");
                socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.US_ASCII));
                var in = new BufferedInputStream(socket.getInputStream());
                String status = line(in);
                Map<String, String> responseHeaders = new LinkedHashMap<>();
                for (String header = line(in); !header.isEmpty(); header = line(in)) {
                    int colon = header.indexOf(':');
                    responseHeaders.put(header.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                            header.substring(colon + 1).trim());
                }
                byte[] body;
                if (responseHeaders.containsKey("content-length")) {
                    body = in.readNBytes(Integer.parseInt(responseHeaders.get("content-length")));
                } else if ("chunked".equalsIgnoreCase(responseHeaders.get("transfer-encoding"))) {
                    var chunks = new ByteArrayOutputStream();
                    for (int size = Integer.parseInt(line(in).split(";")[0].trim(), 16); size > 0;
                            size = Integer.parseInt(line(in).split(";")[0].trim(), 16)) {
                        chunks.write(in.readNBytes(size));
                        line(in);
                    }
                    body = chunks.toByteArray();
                } else {
                    body = in.readAllBytes();
                }
                return new RawResponse(Integer.parseInt(status.split(" ")[1]), new String(body, StandardCharsets.UTF_8));
            }
        }

        private static String line(InputStream in) throws IOException {
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) {
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            return line.toString();
        }
    }


    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
