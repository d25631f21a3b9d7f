package dev.trellis.proxy.config;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One authorization policy of a workload (Istio AuthorizationPolicy semantics). A request matches the
 * policy when it matches any rule; a rule matches when any of its sources matches (or it has none), any of
 * its operations matches (or it has none), and every condition holds. An ALLOW policy without rules
 * matches nothing, so alone it denies everything ("allow-nothing", the default-deny mode).
 */
public record AuthorizationPolicy(String name, Action action, List<Rule> rules) {
    public enum Action { ALLOW, DENY }

    public AuthorizationPolicy {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(action, "action");
        rules = List.copyOf(rules);
    }

    public record Rule(List<Source> from, List<Operation> to, List<Condition> when) {
        public Rule {
            from = List.copyOf(from);
            to = List.copyOf(to);
            when = List.copyOf(when);
        }
    }

    /**
     * Who calls. Principals are SPIFFE IDs without the scheme ("cluster.local/ns/default/sa/web"); a
     * plaintext caller has none, so it matches no principal, not even "*".
     */
    public record Source(List<StringMatch> principals, List<StringMatch> notPrincipals,
                         List<StringMatch> namespaces, List<StringMatch> notNamespaces) {
        public Source {
            principals = List.copyOf(principals);
            notPrincipals = List.copyOf(notPrincipals);
            namespaces = List.copyOf(namespaces);
            notNamespaces = List.copyOf(notNamespaces);
        }
    }

    /** What is called: methods (upper case), paths (without the query), the application's port. */
    public record Operation(List<String> methods, List<String> notMethods, List<StringMatch> paths, List<StringMatch> notPaths,
                            List<Integer> ports, List<Integer> notPorts) {
        public Operation {
            methods = methods.stream().map(m -> m.toUpperCase(Locale.ROOT)).toList();
            notMethods = notMethods.stream().map(m -> m.toUpperCase(Locale.ROOT)).toList();
            paths = List.copyOf(paths);
            notPaths = List.copyOf(notPaths);
            ports = List.copyOf(ports);
            notPorts = List.copyOf(notPorts);
        }
    }

    /** A request header (name lower case) whose value must match one of {@code values} and none of {@code notValues}. */
    public record Condition(String header, List<StringMatch> values, List<StringMatch> notValues) {
        public Condition {
            header = Objects.requireNonNull(header, "header").toLowerCase(Locale.ROOT);
            values = List.copyOf(values);
            notValues = List.copyOf(notValues);
        }
    }

    /** Istio's string patterns: "*" (any non-empty), "prefix*", "*suffix", or exact. */
    public record StringMatch(Kind kind, String value) {
        public enum Kind { EXACT, PREFIX, SUFFIX, PRESENT }

        public StringMatch {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(value, "value");
        }

        public static StringMatch of(String pattern) {
            if (pattern.equals("*")) {
                return new StringMatch(Kind.PRESENT, "");
            }
            if (pattern.endsWith("*")) {
                return new StringMatch(Kind.PREFIX, pattern.substring(0, pattern.length() - 1));
            }
            if (pattern.startsWith("*")) {
                return new StringMatch(Kind.SUFFIX, pattern.substring(1));
            }
            return new StringMatch(Kind.EXACT, pattern);
        }

        public boolean matches(String s) {
            if (s == null) {
                return false;
            }
            return switch (kind) {
                case EXACT -> s.equals(value);
                case PREFIX -> s.startsWith(value);
                case SUFFIX -> s.endsWith(value);
                case PRESENT -> !s.isEmpty();
            };
        }

        @Override
        public String toString() {
            return switch (kind) {
                case EXACT -> value;
                case PREFIX -> value + "*";
                case SUFFIX -> "*" + value;
                case PRESENT -> "*";
            };
        }
    }
}
