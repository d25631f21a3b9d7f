package dev.trellis.controlplane.store;

import dev.trellis.config.ConfigProblem;
import dev.trellis.config.ResourceSet;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The configuration in force and the outcome of the latest attempt to load the directory.
 *
 * @param resources  the last valid configuration (what proxies are served)
 * @param generation increases by one each time a new valid configuration replaces the previous one
 * @param documents  where each resource of {@code resources} is written
 * @param problems   why the directory's current content is rejected; empty when it is in force
 * @param checkedAt  when the directory was last read
 */
public record ConfigState(
        ResourceSet resources,
        long generation,
        Instant loadedAt,
        Map<ResourceKey, StoredDocument> documents,
        List<ConfigProblem> problems,
        Instant checkedAt) {

    public ConfigState {
        Objects.requireNonNull(resources, "resources");
        documents = Map.copyOf(documents);
        problems = List.copyOf(problems);
    }

    public boolean valid() {
        return problems.isEmpty();
    }

    ConfigState rejected(List<ConfigProblem> now, Instant at) {
        return new ConfigState(resources, generation, loadedAt, documents, now, at);
    }
}
