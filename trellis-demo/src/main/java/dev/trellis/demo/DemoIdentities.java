package dev.trellis.demo;

import dev.trellis.controlplane.ca.BootstrapTokens;
import dev.trellis.controlplane.ca.CaDirectory;
import dev.trellis.controlplane.ca.CaOptions;
import dev.trellis.controlplane.ca.SpiffeId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;

/**
 * Bootstrap tokens for the demo's sidecars, so each gets a workload certificate from the control plane's CA and
 * the mesh speaks mutual TLS from the start, as an operator's would after {@code trellis token create}.
 * The tokens are signed with the key in the control plane's CA directory (created here when the control plane
 * has not run yet; it reads the same file).
 */
final class DemoIdentities {
    private static final Duration TOKEN_TTL = Duration.ofDays(1);

    private final BootstrapTokens tokens;
    private final Path dir;

    DemoIdentities(Path configDir, Path tokenDir) {
        this.tokens = new BootstrapTokens(new CaDirectory(configDir.resolve(".trellis").resolve("ca")).tokenKey(),
                Clock.systemUTC());
        this.dir = tokenDir;
    }

    /** Writes the token of a service's identity to a file only its owner can read; returns the file. */
    Path tokenFile(String service) {
        SpiffeId id = new SpiffeId(CaOptions.DEFAULT_TRUST_DOMAIN, "default", service);
        Path file = dir.resolve(service + ".token");
        try {
            Files.createDirectories(dir);
            Files.writeString(file, tokens.create(id, TOKEN_TTL) + "\n", StandardCharsets.US_ASCII);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // the file stays as created
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the token of " + service + " to " + file, e);
        }
    }
}
