package dev.trellis.proxy.xds;

import dev.trellis.config.ConfigException;
import dev.trellis.config.ConfigLoader;
import dev.trellis.config.ResourceSet;
import dev.trellis.config.xds.ProxyNode;
import dev.trellis.config.xds.XdsResources;
import dev.trellis.config.xds.XdsTranslator;
import dev.trellis.proxy.config.ProxySnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Standalone mode: a YAML file or directory, run through the same translator the control plane uses
 * and the same decoder as ADS updates (Envoy's static bootstrap is xDS too). A daemon thread polls the
 * file or directory (content checksums, every 500 ms); a change that has held still for one interval is
 * reloaded, and an invalid change is logged with file, line and reason while the last good snapshot
 * keeps serving.
 */
public final class StandaloneConfigSource implements ConfigSource {
    private static final Logger log = LoggerFactory.getLogger(StandaloneConfigSource.class);
    static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(500);

    private final Path path;
    private final ProxyNode node;
    private final Duration pollInterval;
    private final ConfigLoader loader = ConfigLoader.standard();
    private volatile boolean closed;
    private Thread watcher;
    private long version;

    public StandaloneConfigSource(Path yamlFileOrDirectory, ProxyNode node) {
        this(yamlFileOrDirectory, node, DEFAULT_POLL_INTERVAL);
    }

    public StandaloneConfigSource(Path yamlFileOrDirectory, ProxyNode node, Duration pollInterval) {
        this.path = Objects.requireNonNull(yamlFileOrDirectory, "yamlFileOrDirectory");
        this.node = Objects.requireNonNull(node, "node");
        this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
    }

    /**
     * Loads synchronously and delivers the first snapshot before returning.
     *
     * @throws ConfigException      when the YAML is invalid (message: "file:line: reason" per problem)
     * @throws XdsResourceException when the translation cannot be applied by this proxy
     */
    @Override
    public synchronized void start(Consumer<ProxySnapshot> onUpdate) {
        if (watcher != null) {
            throw new IllegalStateException("already started");
        }
        List<Object> stamp = stamp();
        onUpdate.accept(load());
        watcher = new Thread(() -> watch(onUpdate, stamp), "trellis-config-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    /** One load: YAML, then xDS, then the proxy's records. */
    private ProxySnapshot load() {
        ResourceSet resources = loader.load(path);
        XdsResources xds = XdsTranslator.translate(resources, node);
        String v = Long.toString(++version);
        return XdsDecoder.decode(xds, Map.of("listeners", v, "routes", v, "clusters", v, "endpoints", v));
    }

    private void watch(Consumer<ProxySnapshot> onUpdate, List<Object> initial) {
        List<Object> applied = initial;
        List<Object> pending = null;
        while (!closed) {
            try {
                Thread.sleep(pollInterval.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            List<Object> now = stamp();
            if (now.equals(applied) || closed) {
                pending = null;
                continue;
            }
            if (!now.equals(pending)) {
                // changed since the last look: an editor may be half way through writing; look again first
                pending = now;
                continue;
            }
            applied = now;
            pending = null;
            try {
                ProxySnapshot snapshot = load();
                log.info("configuration reloaded from {}", path);
                onUpdate.accept(snapshot);
            } catch (ConfigException | XdsResourceException e) {
                log.warn("configuration in {} rejected, the previous one stays in force:\n{}", path, e.getMessage());
            } catch (RuntimeException e) {
                log.error("configuration reload from {} failed, the previous one stays in force", path, e);
            }
        }
    }

    /**
     * Names and content checksums: any edit, creation or removal changes it, even two edits within one
     * tick of the file system's clock. Configuration files are small; reading them twice a second is cheap.
     */
    private List<Object> stamp() {
        List<Object> out = new ArrayList<>();
        try {
            List<Path> files = Files.isDirectory(path) ? ConfigLoader.yamlFiles(path) : List.of(path);
            for (Path f : files) {
                CRC32 crc = new CRC32();
                crc.update(Files.readAllBytes(f));
                out.add(f.toString());
                out.add(crc.getValue());
            }
        } catch (IOException e) {
            out.add(e.toString()); // missing: a change too, and reloading says why
        }
        return out;
    }

    /** The watcher thread is running (for tests: after {@link #close()} it ends). */
    synchronized boolean isWatching() {
        return watcher != null && watcher.isAlive();
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (watcher != null) {
            watcher.interrupt();
        }
    }
}
