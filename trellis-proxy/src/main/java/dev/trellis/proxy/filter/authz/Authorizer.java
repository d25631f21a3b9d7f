package dev.trellis.proxy.filter.authz;

import dev.trellis.proxy.config.Authorization;
import dev.trellis.proxy.config.AuthorizationPolicy;
import dev.trellis.proxy.config.AuthorizationPolicy.Condition;
import dev.trellis.proxy.config.AuthorizationPolicy.Operation;
import dev.trellis.proxy.config.AuthorizationPolicy.Rule;
import dev.trellis.proxy.config.AuthorizationPolicy.Source;
import dev.trellis.proxy.config.AuthorizationPolicy.StringMatch;
import java.util.List;

/**
 * Decides whether a request may proceed, in Istio's order: a matching DENY policy denies; otherwise, when
 * ALLOW policies exist, one of them must match; without any policy everything is allowed. A pure function
 * of the configuration and the request: no state, safe on any event loop.
 */
public final class Authorizer {
    private Authorizer() {}

    public static AuthzDecision decide(Authorization authorization, AuthzRequest request) {
        if (authorization.isEmpty()) {
            return AuthzDecision.ALLOWED_NO_POLICY;
        }
        boolean anyAllow = false;
        for (AuthorizationPolicy p : authorization.policies()) {
            if (p.action() == AuthorizationPolicy.Action.DENY && matches(p, request)) {
                return AuthzDecision.deniedBy(p.name());
            }
            anyAllow |= p.action() == AuthorizationPolicy.Action.ALLOW;
        }
        if (!anyAllow) {
            return AuthzDecision.ALLOWED_NO_POLICY;
        }
        for (AuthorizationPolicy p : authorization.policies()) {
            if (p.action() == AuthorizationPolicy.Action.ALLOW && matches(p, request)) {
                return AuthzDecision.allowedBy(p.name());
            }
        }
        return AuthzDecision.DENIED_NO_MATCH;
    }

    static boolean matches(AuthorizationPolicy policy, AuthzRequest r) {
        for (Rule rule : policy.rules()) {
            if (matches(rule, r)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(Rule rule, AuthzRequest r) {
        if (!rule.from().isEmpty() && rule.from().stream().noneMatch(s -> matches(s, r))) {
            return false;
        }
        if (!rule.to().isEmpty() && rule.to().stream().noneMatch(o -> matches(o, r))) {
            return false;
        }
        for (Condition c : rule.when()) {
            String value = r.headers().get(c.header());
            if (!c.values().isEmpty() && !any(c.values(), value)) {
                return false;
            }
            if (any(c.notValues(), value)) {
                return false;
            }
        }
        return true;
    }

    private static boolean matches(Source s, AuthzRequest r) {
        String principal = r.principal() == null ? "" : r.principal();
        String namespace = r.namespace() == null ? "" : r.namespace();
        return (s.principals().isEmpty() || any(s.principals(), principal))
                && !any(s.notPrincipals(), principal)
                && (s.namespaces().isEmpty() || any(s.namespaces(), namespace))
                && !any(s.notNamespaces(), namespace);
    }

    private static boolean matches(Operation o, AuthzRequest r) {
        return (o.methods().isEmpty() || o.methods().contains(r.method()))
                && !o.notMethods().contains(r.method())
                && (o.paths().isEmpty() || any(o.paths(), r.path()))
                && !any(o.notPaths(), r.path())
                && (o.ports().isEmpty() || o.ports().contains(r.port()))
                && !o.notPorts().contains(r.port());
    }

    private static boolean any(List<StringMatch> patterns, String value) {
        for (StringMatch m : patterns) {
            if (m.matches(value)) {
                return true;
            }
        }
        return false;
    }
}
