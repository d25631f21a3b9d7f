package dev.trellis.proxy.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import dev.trellis.proxy.testing.ProxyUnderTest;
import dev.trellis.proxy.testing.YamlSnapshots;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Gateway API header filters from YAML through xDS to a real proxy: the application sees the request as the
 * rule's RequestHeaderModifier left it, the caller the response as its ResponseHeaderModifier left it; a rule
 * without filters changes nothing.
 */
class HeaderFiltersTest {
    /** The HTTPRoute's rules. */
    static final String RULES = """
            - matches: [{path: {type: PathPrefix, value: /filtered}}]
              backendRefs: [{name: catalog}]
              filters:
                - type: RequestHeaderModifier
                  requestHeaderModifier:
                    set: [{name: X-Env, value: canary}]
                    add: [{name: x-tag, value: "50%"}]
                    remove: [x-debug]
                - type: ResponseHeaderModifier
                  responseHeaderModifier:
                    set: [{name: x-backend, value: hidden}]
                    add: [{name: x-served-by, value: trellis}]
                    remove: [x-internal]
            - backendRefs: [{name: catalog}]
            """;

    HttpServer app;
    final List<Headers> received = new CopyOnWriteArrayList<>();
    ProxyUnderTest proxy;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void start() throws Exception {
        app = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        app.createContext("/", ex -> {
            try (ex) {
                received.add(ex.getRequestHeaders());
                ex.getResponseHeaders().add("x-internal", "secret");
                ex.getResponseHeaders().add("x-backend", "v1");
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

    HttpResponse<Void> call(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.outbound() + path))
                .header("Host", "catalog").header("x-env", "prod").header("x-tag", "a").header("x-debug", "1").build(),
                HttpResponse.BodyHandlers.discarding());
    }

    @Test
    void theRulesFiltersChangeTheRequestTheAppSeesAndTheResponseTheCallerSees() throws Exception {
        HttpResponse<Void> r = call("/filtered/items");
        assertThat(r.statusCode()).isEqualTo(200);
        Headers seen = received.get(0);
        assertThat(seen.get("x-env")).containsExactly("canary");
        assertThat(seen.get("x-tag")).containsExactly("a", "50%");
        assertThat(seen.containsKey("x-debug")).isFalse();
        assertThat(r.headers().allValues("x-backend")).containsExactly("hidden");
        assertThat(r.headers().allValues("x-served-by")).containsExactly("trellis");
        assertThat(r.headers().firstValue("x-internal")).isEmpty();
    }

    @Test
    void aRuleWithoutFiltersChangesNothing() throws Exception {
        HttpResponse<Void> r = call("/other");
        assertThat(r.statusCode()).isEqualTo(200);
        Headers seen = received.get(0);
        assertThat(seen.get("x-env")).containsExactly("prod");
        assertThat(seen.get("x-tag")).containsExactly("a");
        assertThat(seen.get("x-debug")).containsExactly("1");
        assertThat(r.headers().firstValue("x-internal")).contains("secret");
        assertThat(r.headers().firstValue("x-served-by")).isEmpty();
    }

    @Test
    void aReplyTheSidecarMakesItselfTakesTheRulesResponseHeadersToo() throws Exception {
        app.stop(0); // nothing listens: the sidecar answers 502 (connect refused) itself
        HttpResponse<Void> failed = call("/filtered/items");
        assertThat(failed.statusCode()).isEqualTo(502);
        assertThat(failed.headers().allValues("x-served-by")).containsExactly("trellis");
        assertThat(failed.headers().firstValue("trellis-error")).isPresent();
        assertThat(call("/other").headers().firstValue("x-served-by")).as("another rule's reply").isEmpty();
    }

    @Test
    void envoyFormattersAndPseudoHeadersAreRefused() {
        Route.Builder route = Route.newBuilder().setName("r").setMatch(RouteMatch.newBuilder().setPrefix("/"))
                .setRoute(RouteAction.newBuilder().setCluster("catalog"));
        assertThatThrownBy(() -> RouteDecoder.decode(table(route.clone().addRequestHeadersToAdd(HeaderValueOption.newBuilder()
                .setHeader(HeaderValue.newBuilder().setKey("x-client").setValue("%DOWNSTREAM_REMOTE_ADDRESS%"))))))
                .hasMessageContaining("virtual_hosts[0].routes[0].request_headers_to_add[0].header.value: "
                        + "\"%DOWNSTREAM_REMOTE_ADDRESS%\" (expected: a literal value, '%' written '%%'; header formatters are not supported)");
        assertThatThrownBy(() -> RouteDecoder.decode(table(route.clone().addResponseHeadersToRemove(":status"))))
                .hasMessageContaining("response_headers_to_remove[0]: :status (expected: a header other than a pseudo-header or host)");
    }

    private static RouteConfiguration table(Route.Builder route) {
        return RouteConfiguration.newBuilder().setName("outbound")
                .addVirtualHosts(VirtualHost.newBuilder().setName("catalog").addDomains("catalog").addRoutes(route)).build();
    }
}
