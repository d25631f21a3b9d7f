package dev.trellis.proxy.xds;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.trellis.config.xds.AuthorizationTranslator;
import dev.trellis.proxy.config.Authorization;
import dev.trellis.proxy.config.AuthorizationPolicy;
import dev.trellis.proxy.config.AuthorizationPolicy.Condition;
import dev.trellis.proxy.config.AuthorizationPolicy.Operation;
import dev.trellis.proxy.config.AuthorizationPolicy.Rule;
import dev.trellis.proxy.config.AuthorizationPolicy.Source;
import dev.trellis.proxy.config.AuthorizationPolicy.StringMatch;
import io.envoyproxy.envoy.config.rbac.v3.Permission;
import io.envoyproxy.envoy.config.rbac.v3.Policy;
import io.envoyproxy.envoy.config.rbac.v3.Principal;
import io.envoyproxy.envoy.config.rbac.v3.RBAC;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The RBAC HTTP filters at the front of an HTTP connection manager (the shapes of
 * {@link AuthorizationTranslator}) to {@link Authorization}: any number of DENY filters and at most one ALLOW
 * filter (two would each have to pass, which Istio-style policies cannot say). An RBAC policy becomes rules:
 * one per permission, each with the policy's principals as its sources. Policies named
 * "&lt;namespace&gt;/&lt;name&gt;/&lt;index&gt;" are grouped back into one named policy. What the proxy cannot
 * evaluate (matchers, shadow rules, LOG, IP and metadata principals, regexes other than ".+") is refused.
 */
final class AuthorizationDecoder {
    private AuthorizationDecoder() {}

    /** @param rest the connection manager without its RBAC filters, for the other checks */
    record Decoded(Authorization authorization, HttpConnectionManager rest) {}

    static Decoded decode(HttpConnectionManager hcm, String listener, String field) {
        List<AuthorizationPolicy> policies = new ArrayList<>();
        boolean allowSeen = false;
        int i = 0;
        for (; i < hcm.getHttpFiltersCount() && hcm.getHttpFilters(i).getName().equals(AuthorizationTranslator.RBAC_FILTER); i++) {
            String at = field + ".http_filters[" + i + "]";
            RBAC rules = rules(hcm.getHttpFilters(i), listener, at);
            AuthorizationPolicy.Action action = switch (rules.getAction()) {
                case ALLOW -> AuthorizationPolicy.Action.ALLOW;
                case DENY -> AuthorizationPolicy.Action.DENY;
                default -> throw new XdsResourceException(ListenerDecoder.TYPE, listener, at + ".rules.action: " + rules.getAction()
                        + " (expected: ALLOW or DENY)");
            };
            if (action == AuthorizationPolicy.Action.ALLOW) {
                if (allowSeen) {
                    throw new XdsResourceException(ListenerDecoder.TYPE, listener, at + ": a second ALLOW RBAC filter "
                            + "(expected: one, holding every ALLOW policy)");
                }
                allowSeen = true;
            }
            policies.addAll(policies(rules, action, listener, at));
        }
        for (int k = i; k < hcm.getHttpFiltersCount(); k++) {
            if (hcm.getHttpFilters(k).getName().equals(AuthorizationTranslator.RBAC_FILTER)) {
                throw new XdsResourceException(ListenerDecoder.TYPE, listener, field + ".http_filters[" + k + "]: "
                        + AuthorizationTranslator.RBAC_FILTER + " (expected: RBAC filters first)");
            }
        }
        HttpConnectionManager rest = i == 0 ? hcm : hcm.toBuilder().clearHttpFilters()
                .addAllHttpFilters(hcm.getHttpFiltersList().subList(i, hcm.getHttpFiltersCount())).build();
        return new Decoded(policies.isEmpty() ? Authorization.NONE : new Authorization(policies), rest);
    }

    private static RBAC rules(HttpFilter f, String listener, String at) {
        io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC config;
        try {
            config = f.getTypedConfig().unpack(io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC.class);
        } catch (InvalidProtocolBufferException e) {
            throw new XdsResourceException(ListenerDecoder.TYPE, listener, at + ".typed_config: " + f.getTypedConfig().getTypeUrl()
                    + " (expected: envoy.extensions.filters.http.rbac.v3.RBAC)");
        }
        if (config.hasMatcher() || config.hasShadowMatcher() || config.hasShadowRules()) {
            throw new XdsResourceException(ListenerDecoder.TYPE, listener, at + ".typed_config: matcher or shadow rules "
                    + "(expected: rules only)");
        }
        if (!config.hasRules()) {
            throw new XdsResourceException(ListenerDecoder.TYPE, listener, at + ".typed_config.rules: missing (expected: rules)");
        }
        return config.getRules();
    }

    private static List<AuthorizationPolicy> policies(RBAC rules, AuthorizationPolicy.Action action, String listener, String at) {
        if (rules.getPoliciesCount() == 0) {
            // ALLOW with nothing to match: everything is denied; DENY with nothing: no effect
            return action == AuthorizationPolicy.Action.ALLOW
                    ? List.of(new AuthorizationPolicy("allow-nothing", action, List.of())) : List.of();
        }
        Map<String, List<Rule>> byName = new TreeMap<>();
        for (Map.Entry<String, Policy> e : new TreeMap<>(rules.getPoliciesMap()).entrySet()) {
            String key = e.getKey();
            int slash = key.lastIndexOf('/');
            String name = slash > 0 && key.substring(slash + 1).chars().allMatch(Character::isDigit) ? key.substring(0, slash) : key;
            String field = at + ".rules.policies[" + key + "]";
            if (e.getValue().hasCondition() || e.getValue().hasCheckedCondition()) {
                throw new XdsResourceException(ListenerDecoder.TYPE, listener, field + ".condition: set (expected: none; CEL is not supported)");
            }
            List<Source> from = new ArrayList<>();
            for (Principal p : e.getValue().getPrincipalsList()) {
                if (p.getIdentifierCase() == Principal.IdentifierCase.ANY && p.getAny()) {
                    from.clear();
                    break; // anyone: as if no source were given
                }
                from.add(source(p, listener, field + ".principals"));
            }
            for (Permission perm : e.getValue().getPermissionsList()) {
                byName.computeIfAbsent(name, n -> new ArrayList<>()).add(rule(from, perm, listener, field + ".permissions"));
            }
        }
        List<AuthorizationPolicy> out = new ArrayList<>();
        byName.forEach((name, list) -> out.add(new AuthorizationPolicy(name, action, list)));
        return out;
    }

    private static Source source(Principal p, String listener, String at) {
        List<StringMatch> principals = new ArrayList<>();
        List<StringMatch> notPrincipals = new ArrayList<>();
        List<StringMatch> namespaces = new ArrayList<>();
        List<StringMatch> notNamespaces = new ArrayList<>();
        List<Principal> parts = p.getIdentifierCase() == Principal.IdentifierCase.AND_IDS ? p.getAndIds().getIdsList() : List.of(p);
        for (Principal part : parts) {
            boolean negated = part.getIdentifierCase() == Principal.IdentifierCase.NOT_ID;
            Principal inner = negated ? part.getNotId() : part;
            List<Principal> alternatives = inner.getIdentifierCase() == Principal.IdentifierCase.OR_IDS ? inner.getOrIds().getIdsList() : List.of(inner);
            for (Principal alt : alternatives) {
                if (alt.getIdentifierCase() != Principal.IdentifierCase.AUTHENTICATED) {
                    throw new XdsResourceException(ListenerDecoder.TYPE, listener, at + ": " + alt.getIdentifierCase()
                            + " (expected: authenticated principal names, in and_ids/or_ids/not_id)");
                }
                StringMatcher m = alt.getAuthenticated().getPrincipalName();
                if (m.getMatchPatternCase() == StringMatcher.MatchPatternCase.CONTAINS && m.getContains().startsWith("/ns/")
                        && m.getContains().endsWith("/")) {
                    String ns = m.getContains().substring(4, m.getContains().length() - 1);
                    (negated ? notNamespaces : namespaces).add(new StringMatch(StringMatch.Kind.EXACT, ns));
                } else {
                    (negated ? notPrincipals : principals).add(withoutScheme(match(m, listener, at)));
                }
            }
        }
        return new Source(principals, notPrincipals, namespaces, notNamespaces);
    }

    /** Policies name callers as Istio does, without "spiffe://". */
    private static StringMatch withoutScheme(StringMatch m) {
        return (m.kind() == StringMatch.Kind.EXACT || m.kind() == StringMatch.Kind.PREFIX) && m.value().startsWith("spiffe://")
                ? new StringMatch(m.kind(), m.value().substring("spiffe://".length())) : m;
    }

    private static Rule rule(List<Source> from, Permission p, String listener, String at) {
        List<Operation> to = new ArrayList<>();
        List<Condition> when = new ArrayList<>();
        List<Permission> parts = switch (p.getRuleCase()) {
            case ANY -> List.of();
            case AND_RULES -> p.getAndRules().getRulesList();
            default -> List.of(p);
        };
        for (Permission part : parts) {
            if (part.getRuleCase() == Permission.RuleCase.OR_RULES && part.getOrRules().getRulesList().stream().allMatch(AuthorizationDecoder::operationLike)) {
                if (!to.isEmpty()) {
                    throw new XdsResourceException(ListenerDecoder.TYPE, listener, at + ": two lists of operations (expected: one or_rules)");
                }
                for (Permission op : part.getOrRules().getRulesList()) {
                    to.add(operation(op, listener, at));
                }
            } else if (operationLike(part)) {
                to.add(operation(part, listener, at));
            } else {
                when.add(condition(part, listener, at));
            }
        }
        return new Rule(from, to, when);
    }

    /** A method, path or port test, or an AND / NOT of them. */
    private static boolean operationLike(Permission p) {
        return switch (p.getRuleCase()) {
            case URL_PATH, DESTINATION_PORT -> true;
            case HEADER -> p.getHeader().getName().equals(":method");
            case AND_RULES -> p.getAndRules().getRulesList().stream().allMatch(AuthorizationDecoder::operationLike);
            case OR_RULES -> p.getOrRules().getRulesList().stream().allMatch(AuthorizationDecoder::operationLike);
            case NOT_RULE -> operationLike(p.getNotRule());
            default -> false;
        };
    }

    private static Operation operation(Permission p, String listener, String at) {
        List<String> methods = new ArrayList<>();
        List<String> notMethods = new ArrayList<>();
        List<StringMatch> paths = new ArrayList<>();
        List<StringMatch> notPaths = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        List<Integer> notPorts = new ArrayList<>();
        List<Permission> parts = p.getRuleCase() == Permission.RuleCase.AND_RULES ? p.getAndRules().getRulesList() : List.of(p);
        for (Permission part : parts) {
            boolean negated = part.getRuleCase() == Permission.RuleCase.NOT_RULE;
            Permission inner = negated ? part.getNotRule() : part;
            List<Permission> alternatives = inner.getRuleCase() == Permission.RuleCase.OR_RULES ? inner.getOrRules().getRulesList() : List.of(inner);
            for (Permission leaf : alternatives) {
                switch (leaf.getRuleCase()) {
                    case HEADER -> {
                        StringMatch m = match(leaf.getHeader().getStringMatch(), listener, at);
                        if (m.kind() != StringMatch.Kind.EXACT) {
                            throw new XdsResourceException(ListenerDecoder.TYPE, listener, at + ": :method " + m + " (expected: exact methods)");
                        }
                        (negated ? notMethods : methods).add(m.value());
                    }
                    case URL_PATH -> (negated ? notPaths : paths).add(match(leaf.getUrlPath().getPath(), listener, at));
                    case DESTINATION_PORT -> (negated ? notPorts : ports).add(leaf.getDestinationPort());
                    default -> throw new XdsResourceException(ListenerDecoder.TYPE, listener, at + ": " + leaf.getRuleCase()
                            + " (expected: :method header, url_path or destination_port)");
                }
            }
        }
        return new Operation(methods, notMethods, paths, notPaths, ports, notPorts);
    }

    private static Condition condition(Permission p, String listener, String at) {
        String header = null;
        List<StringMatch> values = new ArrayList<>();
        List<StringMatch> notValues = new ArrayList<>();
        List<Permission> parts = p.getRuleCase() == Permission.RuleCase.AND_RULES ? p.getAndRules().getRulesList() : List.of(p);
        for (Permission part : parts) {
            boolean negated = part.getRuleCase() == Permission.RuleCase.NOT_RULE;
            Permission inner = negated ? part.getNotRule() : part;
            List<Permission> alternatives = inner.getRuleCase() == Permission.RuleCase.OR_RULES ? inner.getOrRules().getRulesList() : List.of(inner);
            for (Permission leaf : alternatives) {
                if (leaf.getRuleCase() != Permission.RuleCase.HEADER || !leaf.getHeader().hasStringMatch()
                        || (header != null && !header.equals(leaf.getHeader().getName()))) {
                    throw new XdsResourceException(ListenerDecoder.TYPE, listener, at + ": " + leaf.getRuleCase()
                            + " (expected: string matches on one request header per condition)");
                }
                header = leaf.getHeader().getName();
                (negated ? notValues : values).add(match(leaf.getHeader().getStringMatch(), listener, at));
            }
        }
        if (header == null) {
            throw new XdsResourceException(ListenerDecoder.TYPE, listener, at + ": an empty condition (expected: a header match)");
        }
        return new Condition(header, values, notValues);
    }

    private static StringMatch match(StringMatcher m, String listener, String at) {
        if (m.getIgnoreCase()) {
            throw new XdsResourceException(ListenerDecoder.TYPE, listener, at + ": ignore_case (expected: case-sensitive matches)");
        }
        return switch (m.getMatchPatternCase()) {
            case EXACT -> new StringMatch(StringMatch.Kind.EXACT, m.getExact());
            case PREFIX -> new StringMatch(StringMatch.Kind.PREFIX, m.getPrefix());
            case SUFFIX -> new StringMatch(StringMatch.Kind.SUFFIX, m.getSuffix());
            case SAFE_REGEX -> {
                if (!m.getSafeRegex().getRegex().equals(AuthorizationTranslator.ANY_VALUE)) {
                    throw new XdsResourceException(ListenerDecoder.TYPE, listener, at + ": safe_regex " + m.getSafeRegex().getRegex()
                            + " (expected: only \"" + AuthorizationTranslator.ANY_VALUE + "\", any value)");
                }
                yield new StringMatch(StringMatch.Kind.PRESENT, "");
            }
            default -> throw new XdsResourceException(ListenerDecoder.TYPE, listener, at + ": " + m.getMatchPatternCase()
                    + " (expected: exact, prefix, suffix or safe_regex \".+\")");
        };
    }
}
