package dev.trellis.controlplane.store;

import dev.trellis.config.ConfigException;
import dev.trellis.config.ConfigLoader;
import dev.trellis.config.ConfigProblem;
import dev.trellis.config.Location;
import dev.trellis.config.ResourceSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mesh configuration as a directory of YAML files. A daemon thread reads the directory every poll
 * interval; a change is validated as a whole and, when valid, becomes the configuration in force. An
 * invalid change is logged with file, line and reason, shown in {@link #state()}, and the last valid
 * configuration stays in force. {@link #apply} and {@link #delete} validate the directory as it would be
 * and write only when it would be valid, so the API can never break the configuration.
 */
public final class ConfigDirectory implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConfigDirectory.class);

    private final Path dir;
    private final Duration pollInterval;
    private final Clock clock;
    private final ConfigLoader loader = ConfigLoader.standard();
    private final List<Consumer<ConfigState>> listeners = new CopyOnWriteArrayList<>();
    private volatile ConfigState state;
    private volatile boolean closed;
    private Map<String, String> lastRead;
    private Thread watcher;

    public ConfigDirectory(Path dir, Duration pollInterval, Clock clock) {
        this.dir = Objects.requireNonNull(dir, "dir").toAbsolutePath().normalize();
        this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.state = new ConfigState(ResourceSet.EMPTY, 0, clock.instant(), Map.of(), List.of(), clock.instant());
    }

    public Path directory() {
        return dir;
    }

    /** Reads the directory once (creating it when missing), then watches it. */
    public synchronized void start() {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        reload();
        watcher = new Thread(this::watch, "trellis-config-dir");
        watcher.setDaemon(true);
        watcher.start();
    }

    public ConfigState state() {
        return state;
    }

    /** Called after every read that changed the configuration in force or its problems. */
    public void onChange(Consumer<ConfigState> listener) {
        listeners.add(listener);
    }

    private void watch() {
        while (!closed) {
            try {
                Thread.sleep(pollInterval.toMillis());
                reload();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.error("reading {} failed; the configuration in force stays", dir, e);
            }
        }
    }

    /** Reads the directory now; returns true when something changed. */
    public synchronized boolean reload() {
        Map<String, String> files;
        try {
            files = readFiles();
        } catch (UncheckedIOException e) {
            log.warn("cannot list {}; the configuration in force stays: {}", dir, e.getCause().toString());
            return false;
        }
        if (files.equals(lastRead)) {
            return false;
        }
        lastRead = files;
        ConfigState before = state;
        try {
            ResourceSet resources = loader.parse(files);
            state = new ConfigState(resources, before.generation() + 1, clock.instant(), DocumentIndex.of(files), List.of(), clock.instant());
            log.info("configuration {} in force: {} resource(s) from {}", state.generation(), resources.resources().size(), dir);
        } catch (ConfigException e) {
            state = before.rejected(e.problems(), clock.instant());
            log.warn("configuration in {} rejected; configuration {} stays in force:\n{}", dir, before.generation(), e.getMessage());
        }
        listeners.forEach(l -> l.accept(state));
        return true;
    }

    /**
     * Creates or replaces the resources of a YAML text (several documents allowed). A resource that exists
     * is replaced where it is written; a new one gets its own file. Nothing is written unless the whole
     * directory would be valid.
     */
    public synchronized Outcome apply(String yaml) {
        List<YamlSegments.Segment> input = YamlSegments.split(yaml).stream().filter(s -> !s.blank()).toList();
        if (input.isEmpty()) {
            return Outcome.invalid(List.of(new ConfigProblem(new Location("<input>", 1, 1), "no resource (expected: at least one YAML document)")));
        }
        Map<String, String> files = readFiles();
        Map<ResourceKey, StoredDocument> index = DocumentIndex.of(files);
        Map<String, List<String>> edited = new LinkedHashMap<>();
        Map<ResourceKey, String> seen = new LinkedHashMap<>();
        List<String> changes = new ArrayList<>();
        for (YamlSegments.Segment s : input) {
            ResourceKey key;
            try {
                key = DocumentIndex.keyOf("<input>", s.text()).orElse(null);
            } catch (ConfigException e) {
                return Outcome.invalid(e.problems().stream()
                        .map(p -> new ConfigProblem(DocumentIndex.shift(p.location(), "<input>", s.firstLine()), p.reason())).toList());
            }
            if (key == null) {
                return Outcome.invalid(List.of(new ConfigProblem(new Location("<input>", s.firstLine(), 1),
                        "document without kind or metadata.name (expected: apiVersion, kind, metadata.name and spec)")));
            }
            if (seen.put(key, s.text()) != null) {
                return Outcome.invalid(List.of(new ConfigProblem(new Location("<input>", s.firstLine(), 1),
                        "metadata.name: " + key.name() + " (expected: unique; " + key + " appears twice in the input)")));
            }
            StoredDocument existing = index.get(key);
            if (existing != null) {
                List<String> docs = edited.computeIfAbsent(existing.file(), f -> texts(files.get(f)));
                changes.add(key + (docs.get(existing.index()).equals(s.text()) ? " unchanged" : " configured"));
                docs.set(existing.index(), s.text());
            } else {
                String file = newFileName(key, files.keySet(), edited.keySet());
                edited.put(file, new ArrayList<>(List.of(s.text())));
                changes.add(key + " created");
            }
        }
        return commit(files, edited, changes);
    }

    /** Removes one resource; the file goes when it held nothing else. */
    public synchronized Outcome delete(ResourceKey key) {
        Map<String, String> files = readFiles();
        StoredDocument existing = DocumentIndex.of(files).get(key);
        if (existing == null) {
            return new Outcome(Outcome.Status.NOT_FOUND, List.of(), List.of());
        }
        List<String> docs = texts(files.get(existing.file()));
        docs.remove(existing.index());
        Map<String, List<String>> edited = new LinkedHashMap<>();
        edited.put(existing.file(), docs);
        return commit(files, edited, List.of(key + " deleted"));
    }

    private Outcome commit(Map<String, String> files, Map<String, List<String>> edited, List<String> changes) {
        Map<String, String> candidate = new LinkedHashMap<>(files);
        Map<String, String> writes = new LinkedHashMap<>();
        edited.forEach((file, docs) -> {
            boolean empty = docs.stream().allMatch(d -> new YamlSegments.Segment(d, 1).blank());
            String content = empty ? null : YamlSegments.join(docs);
            if (!Objects.equals(content, files.get(file))) {
                writes.put(file, content);
            }
            if (content == null) {
                candidate.remove(file);
            } else {
                candidate.put(file, content);
            }
        });
        try {
            loader.parse(sorted(candidate));
        } catch (ConfigException e) {
            return Outcome.invalid(e.problems());
        }
        writes.forEach(this::write);
        reload();
        return Outcome.ok(changes);
    }

    private static Map<String, String> sorted(Map<String, String> files) {
        Map<String, String> out = new LinkedHashMap<>();
        files.keySet().stream().sorted().forEach(k -> out.put(k, files.get(k)));
        return out;
    }

    /** The documents of a file as written, so one can be replaced or removed. */
    private static List<String> texts(String content) {
        return new ArrayList<>(YamlSegments.split(content).stream().map(YamlSegments.Segment::text).toList());
    }

    /** "httproute-catalog-split.yaml", or "service-shop-catalog.yaml" outside the default namespace. */
    private String newFileName(ResourceKey key, java.util.Set<String> existing, java.util.Set<String> planned) {
        String base = key.kind().toLowerCase(Locale.ROOT) + "-"
                + (key.namespace().equals("default") ? "" : key.namespace() + "-") + key.name();
        String file = dir.resolve(base + ".yaml").toString();
        for (int n = 2; existing.contains(file) || planned.contains(file); n++) {
            file = dir.resolve(base + "-" + n + ".yaml").toString();
        }
        return file;
    }

    /** Atomic: a reader sees the old file or the new one. Temporary names start with '.' so they are never loaded. */
    private void write(String file, String content) {
        Path target = Path.of(file);
        try {
            if (content == null) {
                Files.deleteIfExists(target);
                return;
            }
            Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }

    /**
     * Every YAML file of the directory by path, in name order. A file removed between listing and reading
     * is left out (the next poll sees the directory as it is).
     *
     * @throws UncheckedIOException when the directory cannot be listed: never mistaken for an empty one
     */
    private Map<String, String> readFiles() {
        List<Path> paths;
        try {
            paths = ConfigLoader.yamlFiles(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Path f : paths) {
            try {
                out.put(f.toString(), Files.readString(f, StandardCharsets.UTF_8));
            } catch (IOException e) {
                // gone since the listing
            }
        }
        return out;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (watcher != null) {
            watcher.interrupt();
        }
    }
}
