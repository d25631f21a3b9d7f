package dev.trellis.config.resource;

import dev.trellis.config.Location;
import java.util.List;
import java.util.Objects;

/**
 * Who may call what (trellis.dev/v1alpha1 AuthorizationPolicy, after Istio's). It applies to one Service
 * ({@code spec.targetRef}), to every Service of its namespace (no targetRef), or to the whole mesh (no
 * targetRef, in namespace {@value PeerAuthentication#ROOT_NAMESPACE}); all policies that apply combine: a
 * matching DENY denies, then one ALLOW must match if any exists. Patterns are Istio's: "*", "prefix*",
 * "*suffix" or exact; principals are SPIFFE IDs without "spiffe://".
 *
 * @param target the Service it applies to, or null
 * @param rules  an ALLOW policy with no rules allows nothing (default deny)
 */
public record AuthorizationPolicy(Metadata metadata, Location location, String target, Location targetLocation,
                                  Action action, List<Rule> rules) implements Resource {

    public static final String KIND = "AuthorizationPolicy";
    public static final String API_VERSION = Service.API_VERSION;

    public enum Action { ALLOW, DENY }

    public AuthorizationPolicy {
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(action, "action");
        rules = List.copyOf(rules);
    }

    @Override
    public String kind() {
        return KIND;
    }

    public boolean meshWide() {
        return target == null && namespace().equals(PeerAuthentication.ROOT_NAMESPACE);
    }

    /** Any source (or none given), any operation (or none given), and every condition. */
    public record Rule(List<Source> from, List<Operation> to, List<Condition> when) {
        public Rule {
            from = List.copyOf(from);
            to = List.copyOf(to);
            when = List.copyOf(when);
        }
    }

    public record Source(List<String> principals, List<String> notPrincipals, List<String> namespaces, List<String> notNamespaces) {
        public Source {
            principals = List.copyOf(principals);
            notPrincipals = List.copyOf(notPrincipals);
            namespaces = List.copyOf(namespaces);
            notNamespaces = List.copyOf(notNamespaces);
        }
    }

    /** @param ports the application's ports */
    public record Operation(List<String> methods, List<String> notMethods, List<String> paths, List<String> notPaths,
                            List<Integer> ports, List<Integer> notPorts) {
        public Operation {
            methods = List.copyOf(methods);
            notMethods = List.copyOf(notMethods);
            paths = List.copyOf(paths);
            notPaths = List.copyOf(notPaths);
            ports = List.copyOf(ports);
            notPorts = List.copyOf(notPorts);
        }
    }

    /** {@code request.headers[name]} must match one of values (if any) and none of notValues. */
    public record Condition(String header, List<String> values, List<String> notValues) {
        public Condition {
            Objects.requireNonNull(header, "header");
            values = List.copyOf(values);
            notValues = List.copyOf(notValues);
        }
    }
}
