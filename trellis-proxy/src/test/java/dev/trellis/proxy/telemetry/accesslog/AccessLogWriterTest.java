package dev.trellis.proxy.telemetry.accesslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trellis.proxy.telemetry.RequestOutcome;
import java.io.BufferedReader;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessLogWriterTest {
    @TempDir
    Path dir;

    static RequestRecord record(String path) {
        return new RequestRecord(0, "outbound", "GET", "catalog", path, "HTTP/1.1", new InetSocketAddress("127.0.0.1", 5000),
                null, null, null, null, "catalog", "default", "catalog",
                new RequestOutcome(200, null, null, false, 1_000_000, 500_000, 0, 10, 1, "127.0.0.1:8080"));
    }

    @Test
    void aStuckFileDropsAndCountsLinesInsteadOfBlockingTheCaller() throws Exception {
        Path fifo = dir.resolve("fifo.log");
        Assumptions.assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0, "mkfifo");
        LongAdder full = new LongAdder();
        LongAdder failed = new LongAdder();
        AccessLogWriter writer = new AccessLogWriter(4, () -> Set.of(fifo.toString()), full, failed);
        try {
            // the writer takes the first line and blocks opening a FIFO nobody reads
            writer.offer(fifo.toString(), record("/1"));
            await().atMost(10, TimeUnit.SECONDS).until(AccessLogWriterTest::writerIsOpeningAFile);

            for (int i = 2; i <= 9; i++) {
                writer.offer(fifo.toString(), record("/" + i));
            }
            assertThat(full.sum()).isEqualTo(4);

            List<String> paths = new ArrayList<>();
            ObjectMapper json = new ObjectMapper();
            try (BufferedReader in = Files.newBufferedReader(fifo)) {
                for (int i = 0; i < 5; i++) {
                    paths.add(json.readTree(in.readLine()).get("path").asText());
                }
            }
            assertThat(paths).containsExactly("/1", "/2", "/3", "/4", "/5");
            assertThat(failed.sum()).isZero();
        } finally {
            writer.close();
        }
    }

    private static boolean writerIsOpeningAFile() {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> e.getKey().getName().equals("trellis-access-log"))
                .anyMatch(e -> Arrays.stream(e.getValue()).anyMatch(f -> f.getMethodName().startsWith("open")
                        && f.getClassName().equals("java.io.FileOutputStream")));
    }

    @Test
    void anUnwritablePathCountsItsLinesAsFailed() throws Exception {
        Path blocker = dir.resolve("not-a-dir");
        Files.writeString(blocker, "");
        String path = blocker.resolve("access.log").toString();
        LongAdder full = new LongAdder();
        LongAdder failed = new LongAdder();
        AccessLogWriter writer = new AccessLogWriter(16, () -> Set.of(path), full, failed);
        try {
            writer.offer(path, record("/a"));
            writer.offer(path, record("/b"));
            await().atMost(10, TimeUnit.SECONDS).until(() -> failed.sum() == 2);
            assertThat(full.sum()).isZero();
        } finally {
            writer.close();
        }
    }
}
