package dev.trellis.config;

import dev.trellis.config.load.DestinationPolicyKind;
import dev.trellis.config.load.DestinationRuleKind;
import dev.trellis.config.load.GrpcRouteKind;
import dev.trellis.config.load.AuthorizationPolicyKind;
import dev.trellis.config.load.HttpRouteKind;
import dev.trellis.config.load.PeerAuthenticationKind;
import dev.trellis.config.load.ResourceKind;
import dev.trellis.config.load.ServiceKind;
import dev.trellis.config.load.TelemetryKind;
import dev.trellis.config.resource.Metadata;
import dev.trellis.config.resource.Resource;
import dev.trellis.config.yaml.Fields;
import dev.trellis.config.yaml.YamlDocuments;
import dev.trellis.config.yaml.YamlNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads resources from a YAML file (several documents separated by '---') or from every *.yaml / *.yml
 * file of a directory (not recursive; files starting with '.' are skipped), validates each resource and
 * the references between them, and returns them as one {@link ResourceSet}. Every problem found is
 * reported at once, each with file and line.
 */
public final class ConfigLoader {
    private final Map<String, ResourceKind<?>> kinds;

    public ConfigLoader(List<ResourceKind<?>> kinds) {
        this.kinds = ResourceKind.byKind(kinds);
    }

    /** Service, HTTPRoute, GRPCRoute, DestinationPolicy, Istio's DestinationRule, PeerAuthentication, AuthorizationPolicy and Telemetry. */
    public static ConfigLoader standard() {
        return new ConfigLoader(List.of(new ServiceKind(), new HttpRouteKind(), new GrpcRouteKind(), new DestinationPolicyKind(), new DestinationRuleKind(),
                new PeerAuthenticationKind(), new AuthorizationPolicyKind(), new TelemetryKind()));
    }

    /** @throws ConfigException listing every problem */
    public ResourceSet load(Path fileOrDirectory) {
        Map<String, String> files = new LinkedHashMap<>();
        try {
            if (Files.isDirectory(fileOrDirectory)) {
                for (Path file : yamlFiles(fileOrDirectory)) {
                    files.put(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
                }
            } else {
                files.put(fileOrDirectory.toString(), Files.readString(fileOrDirectory, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new ConfigException(new Location(fileOrDirectory.toString(), 1, 1), "cannot read: " + e);
        }
        return parse(files);
    }

    /** The YAML files a directory contributes, sorted by name. */
    public static List<Path> yamlFiles(Path directory) throws IOException {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.filter(p -> {
                String name = p.getFileName().toString();
                return !name.startsWith(".") && (name.endsWith(".yaml") || name.endsWith(".yml")) && Files.isRegularFile(p);
            }).sorted().toList();
        }
    }

    /** One in-memory file. */
    public ResourceSet parse(String file, String content) {
        return parse(Map.of(file, content));
    }

    /** @param files contents by display name, read in map order */
    public ResourceSet parse(Map<String, String> files) {
        List<ConfigProblem> problems = new ArrayList<>();
        List<Resource> resources = new ArrayList<>();
        for (Map.Entry<String, String> file : files.entrySet()) {
            try {
                for (YamlNode document : YamlDocuments.parse(file.getKey(), file.getValue())) {
                    try {
                        resources.add(read(document));
                    } catch (ConfigException e) {
                        problems.addAll(e.problems());
                    }
                }
            } catch (ConfigException e) {
                problems.addAll(e.problems());
            }
        }
        ResourceSet set = new ResourceSet(resources);
        if (problems.isEmpty()) {
            duplicates(resources, problems);
            for (Resource resource : resources) {
                check(kinds.get(resource.kind()), resource, set, problems);
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return set;
    }

    private Resource read(YamlNode document) {
        Fields top = Fields.of(document, "", "apiVersion", "kind", "metadata", "spec");
        String kindName = top.string("kind");
        ResourceKind<?> kind = kinds.get(kindName);
        if (kind == null) {
            throw top.invalid("kind", "one of " + String.join(", ", kinds.keySet()));
        }
        String apiVersion = top.string("apiVersion");
        if (!kind.apiVersions().contains(apiVersion)) {
            throw top.invalid("apiVersion", String.join(" or ", kind.apiVersions()) + " for kind " + kindName);
        }
        Metadata metadata = metadata(top.object("metadata", "name", "namespace", "labels", "annotations"), kind);
        return kind.read(metadata, document.location(), top);
    }

    private static Metadata metadata(Fields f, ResourceKind<?> kind) {
        String name = f.string("name");
        if (!kind.nameRule().accepts(name)) {
            throw f.invalid("name", kind.nameRule().description());
        }
        String namespace = f.string("namespace", Metadata.DEFAULT_NAMESPACE);
        if (!ResourceKind.NameRule.DNS_LABEL.accepts(namespace)) {
            throw f.invalid("namespace", ResourceKind.NameRule.DNS_LABEL.description());
        }
        return new Metadata(name, namespace, f.stringMap("labels"), f.stringMap("annotations"));
    }

    private static void duplicates(List<Resource> resources, List<ConfigProblem> problems) {
        Map<String, Resource> seen = new HashMap<>();
        for (Resource r : resources) {
            String key = r.kind() + " " + r.namespace() + "/" + r.name();
            Resource first = seen.putIfAbsent(key, r);
            if (first != null) {
                problems.add(new ConfigProblem(r.location(), "metadata.name: " + r.name()
                        + " (expected: unique; " + key + " is already defined at " + first.location() + ")"));
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static <R extends Resource> void check(ResourceKind<R> kind, Resource resource, ResourceSet all,
                                                   List<ConfigProblem> problems) {
        kind.check((R) resource, all, problems);
    }
}
