package dev.trellis.proxy.telemetry.accesslog;

import dev.trellis.proxy.config.AccessLogConfig;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends access log lines off the event loops: requests are offered to a bounded queue (never blocking; a full
 * queue drops the line and counts it) and one daemon thread formats them and writes each file once per batch.
 * Files open on first use and close when no listener names them any more (or when they were moved away, so that
 * rotation by renaming works); {@code /dev/stdout} and {@code /dev/stderr} are the process's own streams.
 */
final class AccessLogWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AccessLogWriter.class);
    private static final int BATCH = 1024;
    private static final long POLL_MILLIS = 100;
    private static final long CHECK_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final BlockingQueue<Entry> queue;
    private final Supplier<Set<String>> configuredPaths;
    private final LongAdder queueFull;
    private final LongAdder writeFailed;
    private final Thread thread = new Thread(this::run, "trellis-access-log");
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile boolean closed;
    // the writer thread's own
    private final Map<String, Target> targets = new HashMap<>();
    private final Set<String> failing = new HashSet<>();

    private record Entry(String path, RequestRecord record) {
    }

    /**
     * @param configuredPaths the paths the configuration names now; others are closed
     * @param queueFull       counts lines dropped because the queue was full
     * @param writeFailed     counts lines dropped because their file could not be written
     */
    AccessLogWriter(int capacity, Supplier<Set<String>> configuredPaths, LongAdder queueFull, LongAdder writeFailed) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.configuredPaths = configuredPaths;
        this.queueFull = queueFull;
        this.writeFailed = writeFailed;
        thread.setDaemon(true);
    }

    /** Queues a line for {@code path}; never blocks. The writer thread starts with the first line. */
    void offer(String path, RequestRecord record) {
        if (closed || !queue.offer(new Entry(path, record))) {
            queueFull.increment();
            return;
        }
        if (!started.get() && started.compareAndSet(false, true)) {
            thread.start();
        }
    }

    private void run() {
        List<Entry> batch = new ArrayList<>(BATCH);
        long nextCheck = System.nanoTime() + CHECK_NANOS;
        StringBuilder text = new StringBuilder(64 * 1024);
        while (true) {
            Entry first;
            try {
                first = queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                break;
            }
            if (first == null) {
                if (closed) {
                    break;
                }
            } else {
                batch.add(first);
                queue.drainTo(batch, BATCH - 1);
                write(batch, text);
                batch.clear();
            }
            if (System.nanoTime() - nextCheck >= 0) {
                closeUnwanted();
                nextCheck = System.nanoTime() + CHECK_NANOS;
            }
        }
        targets.values().forEach(Target::close);
        targets.clear();
    }

    private void write(List<Entry> batch, StringBuilder text) {
        Map<String, List<RequestRecord>> byPath = new LinkedHashMap<>(4);
        for (Entry e : batch) {
            byPath.computeIfAbsent(e.path, p -> new ArrayList<>(batch.size())).add(e.record);
        }
        byPath.forEach((path, records) -> {
            text.setLength(0);
            for (RequestRecord r : records) {
                AccessLogFormat.append(text, r);
            }
            try {
                target(path).write(text.toString().getBytes(StandardCharsets.UTF_8));
                failing.remove(path);
            } catch (IOException | RuntimeException e) {
                writeFailed.add(records.size());
                Target broken = targets.remove(path);
                if (broken != null) {
                    broken.close();
                }
                if (failing.add(path)) {
                    log.warn("access log {}: cannot write: {}", path, e.toString());
                }
            }
        });
    }

    private Target target(String path) throws IOException {
        Target t = targets.get(path);
        if (t == null) {
            t = Target.open(path);
            targets.put(path, t);
        }
        return t;
    }

    private void closeUnwanted() {
        Set<String> wanted = configuredPaths.get();
        targets.entrySet().removeIf(e -> {
            if (!wanted.contains(e.getKey()) || e.getValue().movedAway()) {
                e.getValue().close();
                return true;
            }
            return false;
        });
    }

    /** Stops taking lines, writes what is queued, closes the files; waits up to two seconds. */
    @Override
    public void close() {
        closed = true;
        if (started.get()) {
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static final class Target {
        private final Path file;
        private final OutputStream out;

        private Target(Path file, OutputStream out) {
            this.file = file;
            this.out = out;
        }

        static Target open(String path) throws IOException {
            if (path.equals(AccessLogConfig.STDOUT)) {
                return new Target(null, System.out);
            }
            if (path.equals("/dev/stderr")) {
                return new Target(null, System.err);
            }
            Path file = Path.of(path);
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            return new Target(file, new FileOutputStream(file.toFile(), true));
        }

        void write(byte[] lines) throws IOException {
            // one write per batch: whole lines reach the file together
            out.write(lines);
            out.flush();
        }

        boolean movedAway() {
            return file != null && !Files.exists(file);
        }

        void close() {
            try {
                if (file == null) {
                    out.flush();
                } else {
                    out.close();
                }
            } catch (IOException e) {
                log.debug("access log {}: close failed: {}", file, e.toString());
            }
        }
    }
}
