package dev.trellis.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DashboardHandlerTest {
    private HttpServer server;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        DashboardHandler.mount(server);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void servesThePageAtTheFolder() throws IOException {
        Response r = request("GET", "/dashboard/", Map.of());

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("content-type")).isEqualTo("text/html; charset=utf-8");
        assertThat(r.header("cache-control")).isEqualTo("no-cache");
        assertThat(r.header("x-content-type-options")).isEqualTo("nosniff");
        assertThat(r.header("content-security-policy")).contains("default-src 'self'");
        assertThat(r.header("etag")).matches("\"[0-9a-f]{24}\"");
        assertThat(r.body()).isEqualTo(resource("index.html"));
        assertThat(r.text()).contains("data-testid=\"service-graph\"", "<script type=\"module\" src=\"app.js\">");
    }

    @ParameterizedTest
    @ValueSource(strings = {"index.html:text/html; charset=utf-8", "app.js:text/javascript; charset=utf-8",
            "graph.js:text/javascript; charset=utf-8", "style.css:text/css; charset=utf-8"})
    void servesEachFileWithItsType(String fileAndType) throws IOException {
        String file = fileAndType.substring(0, fileAndType.indexOf(':'));
        Response r = request("GET", "/dashboard/" + file, Map.of());

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("content-type")).isEqualTo(fileAndType.substring(file.length() + 1));
        assertThat(r.body()).isEqualTo(resource(file));
    }

    @Test
    void everyModuleThePageImportsIsServed() throws IOException {
        for (String file : new String[] {"app.js", "charts.js", "dom.js", "graph.js", "tables.js", "yaml.js"}) {
            String script = request("GET", "/dashboard/" + file, Map.of()).text();
            var imports = java.util.regex.Pattern.compile("from '\\./([\\w.-]+)'").matcher(script);
            while (imports.find()) {
                assertThat(request("GET", "/dashboard/" + imports.group(1), Map.of()).status())
                        .as("%s imports %s", file, imports.group(1)).isEqualTo(200);
            }
        }
    }

    @Test
    void rootAndFolderWithoutSlashRedirectToTheFolder() throws IOException {
        Response root = request("GET", "/", Map.of());
        assertThat(root.status()).isEqualTo(302);
        assertThat(root.header("location")).isEqualTo("/dashboard/");

        Response folder = request("GET", "/dashboard?window=1m", Map.of());
        assertThat(folder.status()).isEqualTo(301);
        assertThat(folder.header("location")).isEqualTo("/dashboard/?window=1m");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/dashboard/nope.js", "/dashboard/index.htm", "/dashboard/app", "/dashboard/.hidden.js",
            "/dashboardx", "/elsewhere", "/api/v1/unknown"})
    void unknownPathsAre404(String path) throws IOException {
        Response r = request("GET", path, Map.of());

        assertThat(r.status()).isEqualTo(404);
        assertThat(r.header("content-type")).isEqualTo("text/plain; charset=utf-8");
    }

    /** Each target exists on the test classpath, so a handler that resolved these paths would serve it. */
    @ParameterizedTest
    @ValueSource(strings = {
            "/dashboard/../logback-test.xml",
            "/dashboard/%2e%2e/logback-test.xml",
            "/dashboard/..%2flogback-test.xml",
            "/dashboard/%2E%2E%2Flogback-test.xml",
            "/dashboard/..%5clogback-test.xml",
            "/dashboard//logback-test.xml",
            "/dashboard/%2flogback-test.xml",
            "/dashboard/../dev/trellis/controlplane/api/ApiServer.class",
            "/dashboard/..%2f..%2fdashboard%2fapp.js",
            "/dashboard/./app.js"})
    void pathTraversalReachesNothingOutsideTheFolder(String path) throws IOException {
        assertThat(DashboardHandler.class.getResource("/logback-test.xml")).isNotNull();
        assertThat(DashboardHandler.class.getResource("/dev/trellis/controlplane/api/ApiServer.class")).isNotNull();

        Response r = request("GET", path, Map.of());

        assertThat(r.status()).as(path).isIn(400, 404);
        assertThat(r.text()).doesNotContain("<configuration", "logger", "import ");
        assertThat(Arrays.copyOf(r.body(), 4)).as("a class file's magic").isNotEqualTo(new byte[] {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE});
    }

    @Test
    void aKnownVersionAnswers304() throws IOException {
        String etag = request("GET", "/dashboard/app.js", Map.of()).header("etag");

        Response same = request("GET", "/dashboard/app.js", Map.of("If-None-Match", etag));
        assertThat(same.status()).isEqualTo(304);
        assertThat(same.body()).isEmpty();
        assertThat(same.header("etag")).isEqualTo(etag);

        Response other = request("GET", "/dashboard/app.js", Map.of("If-None-Match", "\"0123\""));
        assertThat(other.status()).isEqualTo(200);
        assertThat(other.body()).isEqualTo(resource("app.js"));
    }

    @Test
    void headHasNoBodyAndOtherMethodsAre405() throws IOException {
        Response head = request("HEAD", "/dashboard/style.css", Map.of());
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.header("content-type")).isEqualTo("text/css; charset=utf-8");
        assertThat(head.body()).isEmpty();

        Response post = request("POST", "/dashboard/app.js", Map.of("Content-Length", "0"));
        assertThat(post.status()).isEqualTo(405);
        assertThat(post.header("allow")).isEqualTo("GET, HEAD");
    }

    private static byte[] resource(String file) throws IOException {
        try (InputStream in = DashboardHandlerTest.class.getResourceAsStream("/dashboard/" + file)) {
            assertThat(in).as("classpath dashboard/%s", file).isNotNull();
            return in.readAllBytes();
        }
    }

    record Response(int status, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.get(name);
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** One request over a plain socket, the path sent exactly as given (an HTTP client would normalise it). */
    private Response request(String method, String path, Map<String, String> headers) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getAddress().getPort()), 2_000);
            socket.setSoTimeout(10_000);
            StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: localhost\r\n");
            headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
            request.append("Connection: close\r\n\r\n");
            socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.US_ASCII));
            byte[] all = socket.getInputStream().readAllBytes();
            int end = indexOf(all, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(end).as("end of the response head").isNotNegative();
            String[] head = new String(all, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
            Map<String, String> responseHeaders = new LinkedHashMap<>();
            for (int i = 1; i < head.length; i++) {
                int colon = head[i].indexOf(':');
                responseHeaders.put(head[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), head[i].substring(colon + 1).trim());
            }
            byte[] body = Arrays.copyOfRange(all, end + 4, all.length);
            if ("chunked".equalsIgnoreCase(responseHeaders.get("transfer-encoding"))) {
                body = dechunk(body);
            }
            return new Response(Integer.parseInt(head[0].split(" ")[1]), responseHeaders, body);
        }
    }

    private static byte[] dechunk(byte[] chunked) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        while (true) {
            int lineEnd = indexOf(Arrays.copyOfRange(chunked, at, chunked.length), "\r\n".getBytes(StandardCharsets.US_ASCII)) + at;
            int size = Integer.parseInt(new String(chunked, at, lineEnd - at, StandardCharsets.US_ASCII).split(";")[0].trim(), 16);
            if (size == 0) {
                return out.toByteArray();
            }
            out.write(chunked, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
