package dev.trellis.config.load;

import dev.trellis.config.ConfigProblem;
import dev.trellis.config.Location;
import dev.trellis.config.ResourceSet;
import dev.trellis.config.resource.Metadata;
import dev.trellis.config.resource.Resource;
import dev.trellis.config.yaml.Fields;
import java.util.List;

/**
 * How to read and check one kind of resource. The loader dispatches on {@code kind}; adding a kind is
 * adding one of these.
 */
public interface ResourceKind<R extends Resource> {

    /** As written in YAML, e.g. "HTTPRoute". */
    String kind();

    /** The apiVersions accepted for this kind; the first is the preferred one. */
    List<String> apiVersions();

    Class<R> type();

    /** The metadata.name rules of this kind. */
    default NameRule nameRule() {
        return NameRule.DNS_SUBDOMAIN;
    }

    /**
     * Reads the spec of one document.
     *
     * @param document the whole document; read {@code document.object("spec", ...)}
     * @throws dev.trellis.config.ConfigException naming the field and its line
     */
    R read(Metadata metadata, Location location, Fields document);

    /** Checks references to other resources once every file is read; adds a problem per broken one. */
    default void check(R resource, ResourceSet all, List<ConfigProblem> problems) {}

    /** Names the Kubernetes way. */
    enum NameRule {
        /** Lower-case letters, digits and '-', at most 63 characters (usable in a host name). */
        DNS_LABEL("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$", "a DNS label: lower-case letters, digits and '-', at most 63"),
        /** DNS labels joined by '.', at most 253 characters. */
        DNS_SUBDOMAIN("^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$",
                "lower-case letters, digits, '-' and '.', at most 253");

        private final java.util.regex.Pattern pattern;
        private final String description;

        NameRule(String regex, String description) {
            this.pattern = java.util.regex.Pattern.compile(regex);
            this.description = description;
        }

        public boolean accepts(String name) {
            return pattern.matcher(name).matches();
        }

        public String description() {
            return description;
        }
    }

    /** Set of kinds by name, for the loader. */
    static java.util.Map<String, ResourceKind<?>> byKind(List<ResourceKind<?>> kinds) {
        java.util.Map<String, ResourceKind<?>> map = new java.util.LinkedHashMap<>();
        for (ResourceKind<?> kind : kinds) {
            if (map.put(kind.kind(), kind) != null) {
                throw new IllegalArgumentException("kind " + kind.kind() + ": registered twice");
            }
        }
        return map;
    }
}
