package dev.trellis.config.load;

import dev.trellis.config.ConfigException;
import dev.trellis.config.ConfigProblem;
import dev.trellis.config.Location;
import dev.trellis.config.ResourceSet;
import dev.trellis.config.resource.AuthorizationPolicy;
import dev.trellis.config.resource.AuthorizationPolicy.Action;
import dev.trellis.config.resource.AuthorizationPolicy.Condition;
import dev.trellis.config.resource.AuthorizationPolicy.Operation;
import dev.trellis.config.resource.AuthorizationPolicy.Rule;
import dev.trellis.config.resource.AuthorizationPolicy.Source;
import dev.trellis.config.resource.Metadata;
import dev.trellis.config.resource.Service;
import dev.trellis.config.yaml.Fields;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads trellis.dev/v1alpha1 AuthorizationPolicy (Istio's shape), checks it, and finds the policies of a Service. */
public final class AuthorizationPolicyKind implements ResourceKind<AuthorizationPolicy> {
    private static final Pattern HEADER_KEY = Pattern.compile("^request\\.headers\\[([A-Za-z0-9!#$%&'*+.^_`|~-]+)]$");

    @Override
    public String kind() {
        return AuthorizationPolicy.KIND;
    }

    @Override
    public List<String> apiVersions() {
        return List.of(AuthorizationPolicy.API_VERSION);
    }

    @Override
    public Class<AuthorizationPolicy> type() {
        return AuthorizationPolicy.class;
    }

    @Override
    public AuthorizationPolicy read(Metadata metadata, Location location, Fields document) {
        Fields spec = document.has("spec") ? document.object("spec", "targetRef", "action", "rules") : null;
        if (spec == null) {
            // Istio's "allow-nothing": an empty spec is an ALLOW policy without rules
            return new AuthorizationPolicy(metadata, location, null, null, Action.ALLOW, List.of());
        }
        String target = null;
        Location targetLocation = null;
        if (spec.has("targetRef")) {
            Fields ref = spec.object("targetRef", "group", "kind", "name");
            if (ref.has("group") && !ref.text("group").isEmpty() && !ref.text("group").equals("core")) {
                throw ref.invalid("group", "\"\" (the core group of Service)");
            }
            if (!ref.string("kind").equals(Service.KIND)) {
                throw ref.invalid("kind", Service.KIND);
            }
            target = ref.string("name");
            targetLocation = ref.locationOf("name");
        }
        Action action = Action.ALLOW;
        if (spec.has("action")) {
            String a = spec.string("action");
            if (a.equals("DENY")) {
                action = Action.DENY;
            } else if (!a.equals("ALLOW")) {
                throw spec.invalid("action", "ALLOW or DENY");
            }
        }
        List<Rule> rules = new ArrayList<>();
        for (Fields.Item item : spec.list("rules")) {
            rules.add(rule(item.object("from", "to", "when")));
        }
        return new AuthorizationPolicy(metadata, location, target, targetLocation, action, rules);
    }

    private static Rule rule(Fields r) {
        List<Source> from = new ArrayList<>();
        for (Fields.Item item : r.list("from")) {
            Fields s = item.object("source").object("source", "principals", "notPrincipals", "namespaces", "notNamespaces");
            from.add(new Source(patterns(s, "principals"), patterns(s, "notPrincipals"), namespaces(s, "namespaces"),
                    namespaces(s, "notNamespaces")));
        }
        List<Operation> to = new ArrayList<>();
        for (Fields.Item item : r.list("to")) {
            Fields o = item.object("operation").object("operation", "methods", "notMethods", "paths", "notPaths", "ports", "notPorts");
            to.add(new Operation(methods(o, "methods"), methods(o, "notMethods"), patterns(o, "paths"), patterns(o, "notPaths"),
                    ports(o, "ports"), ports(o, "notPorts")));
        }
        List<Condition> when = new ArrayList<>();
        for (Fields.Item item : r.list("when")) {
            Fields c = item.object("key", "values", "notValues");
            Matcher m = HEADER_KEY.matcher(c.string("key"));
            if (!m.matches()) {
                throw c.invalid("key", "request.headers[<name>]");
            }
            when.add(new Condition(m.group(1).toLowerCase(Locale.ROOT), patterns(c, "values"), patterns(c, "notValues")));
        }
        return new Rule(from, to, when);
    }

    /** "*", "prefix*", "*suffix" or exact; a wildcard elsewhere is refused. */
    private static List<String> patterns(Fields f, String key) {
        List<String> out = f.strings(key);
        for (String p : out) {
            String inner = p.length() <= 1 ? "" : p.substring(1, p.length() - 1);
            if (inner.contains("*") || (p.length() > 1 && p.startsWith("*") && p.endsWith("*"))) {
                throw f.error(key, p + " (expected: \"*\", \"prefix*\", \"*suffix\" or an exact value)");
            }
        }
        return out;
    }

    private static List<String> namespaces(Fields f, String key) {
        List<String> out = f.strings(key);
        for (String ns : out) {
            if (!NameRule.DNS_LABEL.accepts(ns)) {
                throw f.error(key, ns + " (expected: a namespace name; patterns are not supported here)");
            }
        }
        return out;
    }

    private static List<String> methods(Fields f, String key) {
        return f.strings(key).stream().map(m -> m.toUpperCase(Locale.ROOT)).toList();
    }

    private static List<Integer> ports(Fields f, String key) {
        List<Integer> out = new ArrayList<>();
        for (Fields.Item item : f.list(key)) {
            int port;
            try {
                port = Integer.parseInt(item.text());
            } catch (NumberFormatException | ConfigException e) {
                throw item.invalid("a port, 1..65535");
            }
            if (port < 1 || port > 65535) {
                throw item.invalid("a port, 1..65535");
            }
            out.add(port);
        }
        return out;
    }

    @Override
    public void check(AuthorizationPolicy policy, ResourceSet all, List<ConfigProblem> problems) {
        if (policy.target() != null && all.service(policy.namespace(), policy.target()).isEmpty()) {
            problems.add(new ConfigProblem(policy.targetLocation(), "spec.targetRef.name: " + policy.target()
                    + " (expected: an existing Service; none named " + policy.target() + " in namespace " + policy.namespace() + ")"));
        }
    }

    /** Every policy that applies to a Service: its own, its namespace's and the mesh's, DENY ones first. */
    public static List<AuthorizationPolicy> policiesOf(ResourceSet all, String namespace, String service) {
        List<AuthorizationPolicy> out = new ArrayList<>();
        for (AuthorizationPolicy p : all.ofType(AuthorizationPolicy.class)) {
            boolean applies = p.meshWide() || (p.namespace().equals(namespace) && (p.target() == null || p.target().equals(service)));
            if (applies) {
                out.add(p);
            }
        }
        out.sort((a, b) -> a.action() == b.action() ? 0 : a.action() == Action.DENY ? -1 : 1);
        return out;
    }
}
