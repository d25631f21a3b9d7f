package dev.trellis.cli;

import dev.trellis.proxy.tls.IdentitySource;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where a sidecar's workload identity comes from; shared by {@code proxy} and {@code run}. */
final class SidecarIdentityOptions {
    @Option(names = "--identity-dir", paramLabel = "DIR",
            description = "Workload identity from files (cert.pem, key.pem, root-cert.pem); watched for rotation.")
    Path identityDir;

    @Option(names = "--ca-address", paramLabel = "HOST:PORT",
            description = "Workload identity from the control plane's CA (its API address); needs --token-file.")
    String caAddress;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "The bootstrap token that proves this sidecar's identity to the CA (trellis token create).")
    Path tokenFile;

    /** The flags' identity source; what they leave out comes from the TRELLIS_* environment variables. */
    IdentitySource source() {
        IdentitySource env = IdentitySource.fromEnvironment(System.getenv());
        if (identityDir != null) {
            return IdentitySource.files(identityDir);
        }
        if (caAddress == null && tokenFile == null) {
            return env;
        }
        return new IdentitySource(null, caAddress != null ? caAddress : env.caAddress(), tokenFile != null ? null : env.token(),
                tokenFile != null ? tokenFile : env.tokenFile(), env.certTtl(), env.bundleRefresh());
    }
}
