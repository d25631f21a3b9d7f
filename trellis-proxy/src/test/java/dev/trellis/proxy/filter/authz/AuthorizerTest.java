package dev.trellis.proxy.filter.authz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.proxy.config.Authorization;
import dev.trellis.proxy.config.AuthorizationPolicy;
import dev.trellis.proxy.config.AuthorizationPolicy.Action;
import dev.trellis.proxy.config.AuthorizationPolicy.Condition;
import dev.trellis.proxy.config.AuthorizationPolicy.Operation;
import dev.trellis.proxy.config.AuthorizationPolicy.Rule;
import dev.trellis.proxy.config.AuthorizationPolicy.Source;
import dev.trellis.proxy.config.AuthorizationPolicy.StringMatch;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuthorizerTest {
    static final String WEB = "cluster.local/ns/default/sa/web";
    static final String ADMIN = "cluster.local/ns/ops/sa/admin";

    static List<StringMatch> m(String... patterns) {
        return Arrays.stream(patterns).map(StringMatch::of).toList();
    }

    static Source principals(String... p) {
        return new Source(m(p), List.of(), List.of(), List.of());
    }

    static Operation op(List<String> methods, List<StringMatch> paths) {
        return new Operation(methods, List.of(), paths, List.of(), List.of(), List.of());
    }

    static AuthzRequest request(String principal, String method, String path, String... headers) {
        DefaultHttpHeaders h = new DefaultHttpHeaders();
        for (int i = 0; i < headers.length; i += 2) {
            h.add(headers[i], headers[i + 1]);
        }
        return new AuthzRequest(principal, 8080, method, path, h);
    }

    static final AuthorizationPolicy READERS = new AuthorizationPolicy("readers", Action.ALLOW, List.of(
            new Rule(List.of(principals(WEB)), List.of(op(List.of("GET", "head"), m("/items", "/public/*"))), List.of())));
    static final AuthorizationPolicy OPS = new AuthorizationPolicy("ops", Action.ALLOW, List.of(
            new Rule(List.of(new Source(List.of(), List.of(), m("ops"), List.of())), List.of(), List.of())));
    static final AuthorizationPolicy BLOCK = new AuthorizationPolicy("block-flagged", Action.DENY, List.of(
            new Rule(List.of(), List.of(), List.of(new Condition("X-Flagged", m("yes"), List.of())))));

    @Test
    void withoutPoliciesEverythingIsAllowed() {
        assertThat(Authorizer.decide(Authorization.NONE, request(null, "DELETE", "/"))).isSameAs(AuthzDecision.ALLOWED_NO_POLICY);
    }

    @Test
    void allowPoliciesAdmitOnlyWhatTheyMatch() {
        Authorization a = new Authorization(List.of(READERS, OPS));
        assertThat(Authorizer.decide(a, request(WEB, "GET", "/items"))).isEqualTo(AuthzDecision.allowedBy("readers"));
        assertThat(Authorizer.decide(a, request(WEB, "HEAD", "/public/logo.png")).allowed()).isTrue();
        assertThat(Authorizer.decide(a, request(WEB, "POST", "/items"))).isEqualTo(AuthzDecision.DENIED_NO_MATCH);
        assertThat(Authorizer.decide(a, request(WEB, "GET", "/admin")).allowed()).isFalse();
        assertThat(Authorizer.decide(a, request("cluster.local/ns/default/sa/payments", "GET", "/items")).allowed()).isFalse();
        assertThat(Authorizer.decide(a, request(null, "GET", "/items")).allowed()).as("plaintext: no principal").isFalse();
        assertThat(Authorizer.decide(a, request(ADMIN, "DELETE", "/anything"))).isEqualTo(AuthzDecision.allowedBy("ops"));
    }

    @Test
    void aMatchingDenyWinsOverAnyAllow() {
        Authorization a = new Authorization(List.of(READERS, BLOCK));
        assertThat(Authorizer.decide(a, request(WEB, "GET", "/items", "x-flagged", "yes"))).isEqualTo(AuthzDecision.deniedBy("block-flagged"));
        assertThat(Authorizer.decide(a, request(WEB, "GET", "/items", "x-flagged", "no")).allowed()).isTrue();
        // a DENY policy alone leaves everything else allowed
        assertThat(Authorizer.decide(new Authorization(List.of(BLOCK)), request(null, "POST", "/x"))).isSameAs(AuthzDecision.ALLOWED_NO_POLICY);
    }

    @Test
    void anAllowPolicyWithoutRulesDeniesEverything() {
        Authorization allowNothing = new Authorization(List.of(new AuthorizationPolicy("allow-nothing", Action.ALLOW, List.of())));
        assertThat(Authorizer.decide(allowNothing, request(ADMIN, "GET", "/"))).isEqualTo(AuthzDecision.DENIED_NO_MATCH);
    }

    @Test
    void negativeFieldsAndPortsAndPatterns() {
        AuthorizationPolicy p = new AuthorizationPolicy("p", Action.DENY, List.of(new Rule(
                List.of(new Source(List.of(), List.of(), List.of(), m("default"))),
                List.of(new Operation(List.of(), List.of("GET"), List.of(), m("*.health"), List.of(8080), List.of())),
                List.of())));
        Authorization a = new Authorization(List.of(p));
        assertThat(Authorizer.decide(a, request(ADMIN, "POST", "/x")).allowed()).as("outside default, POST, port 8080").isFalse();
        assertThat(Authorizer.decide(a, request(WEB, "POST", "/x")).allowed()).as("from default").isTrue();
        assertThat(Authorizer.decide(a, request(ADMIN, "GET", "/x")).allowed()).as("GET").isTrue();
        assertThat(Authorizer.decide(a, request(ADMIN, "POST", "/app.health")).allowed()).as("health").isTrue();
        assertThat(Authorizer.decide(a, request(null, "POST", "/x")).allowed()).as("plaintext is not in default either").isFalse();
        assertThat(StringMatch.of("*").matches("")).isFalse();
        assertThat(StringMatch.of("/a*").toString()).isEqualTo("/a*");
    }
}
