package dev.trellis.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The proxy core speaks its own records: protobuf, Envoy's API types and the control plane are imported only by
 * the xds package at its edge, which decodes what arrives into those records.
 */
class ProtobufEdgeTest {
    static final Path SOURCES = Path.of("src/main/java/dev/trellis/proxy");
    static final List<String> EDGE_ONLY = List.of("import com.google.protobuf.", "import io.envoyproxy.", "import dev.trellis.controlplane.");

    @Test
    void onlyTheXdsPackageImportsProtobufEnvoyOrTheControlPlane() throws IOException {
        assertThat(SOURCES).as("run from the trellis-proxy module").isDirectory();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            List<String> offenders = files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> !SOURCES.relativize(f).startsWith("xds"))
                    .filter(ProtobufEdgeTest::importsEdgeTypes)
                    .map(Path::toString).toList();
            assertThat(offenders).isEmpty();
        }
    }

    private static boolean importsEdgeTypes(Path file) {
        try (Stream<String> lines = Files.lines(file)) {
            return lines.anyMatch(l -> EDGE_ONLY.stream().anyMatch(l::startsWith));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
