package dev.trellis.controlplane.registry;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Saves the registry to a JSON file and reads it back at start, so a restarted control plane serves the
 * endpoints it knew while their proxies reconnect.
 */
public final class RegistryFile {
    private static final Logger log = LoggerFactory.getLogger(RegistryFile.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    public RegistryFile(Path file) {
        this.file = file;
    }

    /** One saved entry, in plain JSON terms. */
    record Entry(String service, String namespace, String address, int port, Map<String, String> labels,
                 boolean meshed, int weight, String source, long ttlMillis) {}

    public List<RegisteredInstance> load() {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        try {
            List<Entry> entries = JSON.readValue(file.toFile(), new TypeReference<List<Entry>>() {});
            List<RegisteredInstance> out = new ArrayList<>();
            for (Entry e : entries) {
                Registration r = new Registration(e.service(), e.namespace(), e.address(), e.port(), e.labels(), e.meshed(), e.weight());
                out.add(new RegisteredInstance(r.id(), r, RegisteredInstance.Source.valueOf(e.source()), false,
                        Instant.EPOCH, Duration.ofMillis(e.ttlMillis())));
            }
            return out;
        } catch (IOException | IllegalArgumentException e) {
            log.warn("cannot read saved instances from {}; starting without them: {}", file, e.toString());
            return List.of();
        }
    }

    /** Writes atomically (temporary file, then rename). */
    public synchronized void save(List<RegisteredInstance> instances) {
        List<Entry> entries = instances.stream().map(i -> {
            Registration r = i.registration();
            return new Entry(r.service(), r.namespace(), r.address(), r.port(), r.labels(), r.meshed(), r.weight(),
                    i.source().name(), i.ttl().toMillis());
        }).toList();
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), entries);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            log.warn("cannot save instances to {}: {}", file, e.toString());
        }
    }
}
