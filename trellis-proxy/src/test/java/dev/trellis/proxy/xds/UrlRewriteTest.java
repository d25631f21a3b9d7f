package dev.trellis.proxy.xds;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.trellis.proxy.testing.ProxyUnderTest;
import dev.trellis.proxy.testing.YamlSnapshots;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Gateway API URLRewrite from YAML through xDS to a real proxy, checked against the application's view of each
 * request: Gateway API's prefix replacement table, a full path replacement, a Host rewrite; the query string stays.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UrlRewriteTest {
    /** The HTTPRoute's rules. */
    static final String RULES = """
            - matches: [{path: {type: PathPrefix, value: /foo}}]
              backendRefs: [{name: catalog}]
              filters: [{type: URLRewrite, urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /xyz/}}}]
            - matches: [{path: {type: PathPrefix, value: /strip/}}]
              backendRefs: [{name: catalog}]
              filters: [{type: URLRewrite, urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /}}}]
            - matches: [{path: {type: PathPrefix, value: /full}}]
              backendRefs: [{name: catalog}]
              filters: [{type: URLRewrite, urlRewrite: {path: {type: ReplaceFullPath, replaceFullPath: /fixed}}}]
            - matches: [{path: {type: Exact, value: /host}}]
              backendRefs: [{name: catalog}]
              filters: [{type: URLRewrite, urlRewrite: {hostname: internal.example}}]
            - backendRefs: [{name: catalog}]
              filters: [{type: URLRewrite, urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /v2}}}]
            """;

    HttpServer app;
    ProxyUnderTest proxy;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    void start() throws Exception {
        app = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        app.createContext("/", ex -> {
            try (ex) {
                byte[] body = (ex.getRequestHeaders().getFirst("Host") + " " + ex.getRequestURI().getRawPath()
                        + (ex.getRequestURI().getRawQuery() == null ? "" : "?" + ex.getRequestURI().getRawQuery())).getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
            }
        });
        app.start();
        proxy = ProxyUnderTest.start("web", YamlSnapshots.of(YamlSnapshots.catalogRoute(app.getAddress().getPort(), RULES), "web"));
    }

    @AfterAll
    void stop() {
        proxy.close();
        app.stop(0);
    }

    /** "Host path" as the application saw the request. */
    String seen(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.outbound() + path))
                .header("Host", "catalog").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        return r.body();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "/foo/bar?q=1, /xyz/bar?q=1",
            "/foo, /xyz",
            "/foo/, /xyz/",
            "/strip/bar, /bar",
            "/strip, /",
            "/full/any/thing?x=2, /fixed?x=2",
            "/other, /v2/other",
            "/host, /host"})
    void theApplicationSeesTheRewrittenPathWithTheQueryKept(String sent, String expected) throws Exception {
        assertThat(seen(sent)).endsWith(" " + expected);
    }

    @Test
    void aHostnameRewriteReplacesTheHostAndOnlyThat() throws Exception {
        assertThat(seen("/host")).isEqualTo("internal.example /host");
        assertThat(seen("/foo/bar")).startsWith("catalog ");
    }
}
