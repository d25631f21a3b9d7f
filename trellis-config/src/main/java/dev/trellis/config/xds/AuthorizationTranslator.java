package dev.trellis.config.xds;

import com.google.protobuf.Any;
import dev.trellis.config.resource.AuthorizationPolicy;
import dev.trellis.config.resource.AuthorizationPolicy.Condition;
import dev.trellis.config.resource.AuthorizationPolicy.Operation;
import dev.trellis.config.resource.AuthorizationPolicy.Rule;
import dev.trellis.config.resource.AuthorizationPolicy.Source;
import io.envoyproxy.envoy.config.rbac.v3.Permission;
import io.envoyproxy.envoy.config.rbac.v3.Policy;
import io.envoyproxy.envoy.config.rbac.v3.Principal;
import io.envoyproxy.envoy.config.rbac.v3.RBAC;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.type.matcher.v3.PathMatcher;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * AuthorizationPolicies to Envoy RBAC HTTP filters, in Istio's arrangement: first one DENY filter with the
 * rules of every DENY policy, then one ALLOW filter with the rules of every ALLOW policy (an ALLOW filter
 * without rules denies everything). Each rule is one RBAC policy named "&lt;namespace&gt;/&lt;name&gt;/&lt;rule
 * index&gt;": principals are its sources (any of them), permissions one AND of "any of its operations" and each
 * condition. Principal names are the caller's SPIFFE ID; a namespace is "contains /ns/&lt;namespace&gt;/";
 * "*" is the regex ".+".
 */
public final class AuthorizationTranslator {
    public static final String RBAC_FILTER = "envoy.filters.http.rbac";
    public static final String ANY_VALUE = ".+";

    private AuthorizationTranslator() {}

    /** The HTTP connection manager with the RBAC filters of {@code policies} in front of its own. */
    static HttpConnectionManager withPolicies(HttpConnectionManager hcm, List<AuthorizationPolicy> policies) {
        List<HttpFilter> rbac = filters(policies);
        if (rbac.isEmpty()) {
            return hcm;
        }
        List<HttpFilter> all = new ArrayList<>(rbac);
        all.addAll(hcm.getHttpFiltersList());
        return hcm.toBuilder().clearHttpFilters().addAllHttpFilters(all).build();
    }

    static List<HttpFilter> filters(List<AuthorizationPolicy> policies) {
        List<HttpFilter> out = new ArrayList<>(2);
        for (AuthorizationPolicy.Action action : List.of(AuthorizationPolicy.Action.DENY, AuthorizationPolicy.Action.ALLOW)) {
            List<AuthorizationPolicy> these = policies.stream().filter(p -> p.action() == action).toList();
            if (these.isEmpty()) {
                continue;
            }
            RBAC.Builder rules = RBAC.newBuilder().setAction(action == AuthorizationPolicy.Action.DENY ? RBAC.Action.DENY : RBAC.Action.ALLOW);
            for (AuthorizationPolicy p : these) {
                for (int i = 0; i < p.rules().size(); i++) {
                    rules.putPolicies(p.namespace() + "/" + p.name() + "/" + i, policy(p.rules().get(i)));
                }
            }
            io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC filter = io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC
                    .newBuilder().setRules(rules).build();
            out.add(HttpFilter.newBuilder().setName(RBAC_FILTER).setTypedConfig(Any.pack(filter)).build());
        }
        return out;
    }

    private static Policy policy(Rule rule) {
        Policy.Builder p = Policy.newBuilder();
        if (rule.from().isEmpty()) {
            p.addPrincipals(Principal.newBuilder().setAny(true));
        }
        for (Source s : rule.from()) {
            p.addPrincipals(source(s));
        }
        List<Permission> all = new ArrayList<>();
        if (!rule.to().isEmpty()) {
            all.add(Permission.newBuilder().setOrRules(Permission.Set.newBuilder()
                    .addAllRules(rule.to().stream().map(AuthorizationTranslator::operation).toList())).build());
        }
        for (Condition c : rule.when()) {
            all.add(condition(c));
        }
        p.addPermissions(and(all));
        return p.build();
    }

    private static Principal source(Source s) {
        List<Principal> ids = new ArrayList<>();
        addIds(ids, s.principals(), s.notPrincipals(), AuthorizationTranslator::principal);
        addIds(ids, s.namespaces(), s.notNamespaces(), ns -> authenticated(StringMatcher.newBuilder().setContains("/ns/" + ns + "/").build()));
        return ids.isEmpty() ? Principal.newBuilder().setAny(true).build()
                : Principal.newBuilder().setAndIds(Principal.Set.newBuilder().addAllIds(ids)).build();
    }

    private static void addIds(List<Principal> ids, List<String> in, List<String> notIn, Function<String, Principal> one) {
        if (!in.isEmpty()) {
            ids.add(Principal.newBuilder().setOrIds(Principal.Set.newBuilder().addAllIds(in.stream().map(one).toList())).build());
        }
        if (!notIn.isEmpty()) {
            ids.add(Principal.newBuilder().setNotId(Principal.newBuilder().setOrIds(Principal.Set.newBuilder()
                    .addAllIds(notIn.stream().map(one).toList()))).build());
        }
    }

    /** "cluster.local/ns/default/sa/web" as the certificate names it: "spiffe://cluster.local/ns/default/sa/web". */
    private static Principal principal(String pattern) {
        StringMatcher m = pattern.equals("*") || pattern.startsWith("*") ? string(pattern) : string("spiffe://" + pattern);
        return authenticated(m);
    }

    private static Principal authenticated(StringMatcher m) {
        return Principal.newBuilder().setAuthenticated(Principal.Authenticated.newBuilder().setPrincipalName(m)).build();
    }

    private static Permission operation(Operation o) {
        List<Permission> all = new ArrayList<>();
        addRules(all, o.methods(), o.notMethods(), m -> header(":method", string(m)));
        addRules(all, o.paths(), o.notPaths(), path -> Permission.newBuilder()
                .setUrlPath(PathMatcher.newBuilder().setPath(string(path))).build());
        addRules(all, o.ports(), o.notPorts(), port -> Permission.newBuilder().setDestinationPort(port).build());
        return and(all);
    }

    private static Permission condition(Condition c) {
        List<Permission> all = new ArrayList<>();
        addRules(all, c.values(), c.notValues(), v -> header(c.header(), string(v)));
        if (c.values().isEmpty() && c.notValues().isEmpty()) {
            all.add(header(c.header(), string("*")));
        }
        return and(all);
    }

    private static <T> void addRules(List<Permission> all, List<T> in, List<T> notIn, Function<T, Permission> one) {
        if (!in.isEmpty()) {
            all.add(Permission.newBuilder().setOrRules(Permission.Set.newBuilder().addAllRules(in.stream().map(one).toList())).build());
        }
        if (!notIn.isEmpty()) {
            all.add(Permission.newBuilder().setNotRule(Permission.newBuilder().setOrRules(Permission.Set.newBuilder()
                    .addAllRules(notIn.stream().map(one).toList()))).build());
        }
    }

    private static Permission and(List<Permission> all) {
        return all.isEmpty() ? Permission.newBuilder().setAny(true).build()
                : Permission.newBuilder().setAndRules(Permission.Set.newBuilder().addAllRules(all)).build();
    }

    private static Permission header(String name, StringMatcher m) {
        return Permission.newBuilder().setHeader(HeaderMatcher.newBuilder().setName(name).setStringMatch(m)).build();
    }

    /** Istio's patterns: "*" (any non-empty), "prefix*", "*suffix", exact. */
    static StringMatcher string(String pattern) {
        if (pattern.equals("*")) {
            return StringMatcher.newBuilder().setSafeRegex(RegexMatcher.newBuilder().setRegex(ANY_VALUE)).build();
        }
        if (pattern.endsWith("*")) {
            return StringMatcher.newBuilder().setPrefix(pattern.substring(0, pattern.length() - 1)).build();
        }
        if (pattern.startsWith("*")) {
            return StringMatcher.newBuilder().setSuffix(pattern.substring(1)).build();
        }
        return StringMatcher.newBuilder().setExact(pattern).build();
    }
}
