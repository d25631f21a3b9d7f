package dev.trellis.proxy.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.trellis.proxy.config.Redirect;
import dev.trellis.proxy.config.RequestRewrite;
import dev.trellis.proxy.testing.ProxyUnderTest;
import dev.trellis.proxy.testing.YamlSnapshots;
import io.envoyproxy.envoy.config.route.v3.RedirectAction;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * RequestRedirect from YAML through xDS to a real proxy: the caller's sidecar answers with the redirect and the
 * application never sees the request; Gateway API's port rules and prefix semantics hold.
 */
class RedirectTest {
    static final String RULES = """
            - matches: [{path: {type: PathPrefix, value: /old}}]
              filters:
                - {type: RequestRedirect, requestRedirect: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /new}, statusCode: 301}}
                - {type: ResponseHeaderModifier, responseHeaderModifier: {set: [{name: cache-control, value: no-store}]}}
            - matches: [{path: {type: PathPrefix, value: /secure}}]
              filters: [{type: RequestRedirect, requestRedirect: {scheme: https, hostname: shop.example}}]
            - matches: [{path: {type: Exact, value: /moved}}]
              filters: [{type: RequestRedirect, requestRedirect: {port: 9090, statusCode: 308, path: {type: ReplaceFullPath, replaceFullPath: /here}}}]
            - backendRefs: [{name: catalog}]
            """;

    HttpServer app;
    final AtomicInteger appRequests = new AtomicInteger();
    ProxyUnderTest proxy;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeEach
    void start() throws Exception {
        app = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        app.createContext("/", ex -> {
            try (ex) {
                appRequests.incrementAndGet();
                ex.sendResponseHeaders(200, -1);
            }
        });
        app.start();
        proxy = ProxyUnderTest.start("web", YamlSnapshots.of(YamlSnapshots.catalogRoute(app.getAddress().getPort(), RULES), "web"));
    }

    @AfterEach
    void stop() {
        proxy.close();
        app.stop(0);
    }

    private HttpResponse<String> get(String host, String pathAndQuery) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.outbound() + pathAndQuery)).header("Host", host).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theCallersSidecarAnswersWithTheRedirect() throws Exception {
        HttpResponse<String> r = get("catalog:8080", "/old/items?page=2");
        assertThat(r.statusCode()).isEqualTo(301);
        assertThat(r.headers().firstValue("location")).contains("http://catalog:8080/new/items?page=2");
        assertThat(r.headers().firstValue("cache-control")).contains("no-store");
        assertThat(r.body()).isEmpty();

        HttpResponse<String> secure = get("catalog:8080", "/secure/cart");
        assertThat(secure.statusCode()).isEqualTo(302);
        assertThat(secure.headers().firstValue("location")).as("a new scheme without a port: its default port")
                .contains("https://shop.example/secure/cart");

        HttpResponse<String> moved = get("catalog", "/moved?x=1");
        assertThat(moved.statusCode()).isEqualTo(308);
        assertThat(moved.headers().firstValue("location")).contains("http://catalog:9090/here?x=1");

        assertThat(appRequests).as("no redirected request reaches the application").hasValue(0);
        assertThat(get("catalog", "/other").statusCode()).isEqualTo(200);
        assertThat(appRequests).hasValue(1);
        assertThat(proxy.proxy().metrics()).contains("route=\"catalog/0\"").contains("status_code=\"301\"");
    }

    @Test
    void theLocationKeepsWhatTheRedirectDoesNotName() {
        Redirect keepAll = new Redirect(null, null, 0, null, false, 302);
        assertThat(keepAll.location(request("catalog:8080", "/a/b?c=d"))).isEqualTo("http://catalog:8080/a/b?c=d");
        assertThat(keepAll.location(request("[::1]:8080", "/"))).isEqualTo("http://[::1]:8080/");
        assertThat(keepAll.location(request("catalog:80", "/"))).as("http's default port is left out").isEqualTo("http://catalog/");
        assertThat(new Redirect("https", null, 443, null, true, 301).location(request("catalog:8080", "/x?y=z")))
                .isEqualTo("https://catalog/x");
        assertThat(new Redirect(null, "other", 0, new RequestRewrite.PrefixRewrite("/a", ""), false, 307)
                .location(request("catalog", "/a"))).isEqualTo("http://other/");
    }

    @Test
    void envoysRedirectActionIsDecodedAndAnUnknownSchemeRefused() {
        RedirectAction envoy = RedirectAction.newBuilder().setHttpsRedirect(true).setPathRedirect("/login").setStripQuery(true)
                .setResponseCode(RedirectAction.RedirectResponseCode.TEMPORARY_REDIRECT).build();
        Redirect decoded = RouteDecoder.decode(table(envoy)).virtualHosts().get(0).routes().get(0).action().redirect();
        assertThat(decoded.location(request("catalog:8080", "/cart?id=1"))).isEqualTo("https://catalog/login");
        assertThat(decoded.status()).isEqualTo(307);

        assertThatThrownBy(() -> RouteDecoder.decode(table(RedirectAction.newBuilder().setSchemeRedirect("ftp").build())))
                .hasMessageContaining("routes[0].redirect.scheme_redirect: ftp (expected: http or https)");
    }

    private static io.netty.handler.codec.http.HttpRequest request(String host, String uri) {
        DefaultHttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
        r.headers().set("host", host);
        return r;
    }

    private static RouteConfiguration table(RedirectAction redirect) {
        return RouteConfiguration.newBuilder().setName("outbound").addVirtualHosts(VirtualHost.newBuilder().setName("catalog")
                .addDomains("catalog").addRoutes(Route.newBuilder().setName("r").setMatch(RouteMatch.newBuilder().setPrefix("/"))
                        .setRedirect(redirect))).build();
    }
}
