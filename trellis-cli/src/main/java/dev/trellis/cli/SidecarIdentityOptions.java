package dev.trellis.cli;

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

    /** The TLS layer reads its identity source as the proxy starts; flags win over TRELLIS_* environment variables. */
    void publish() {
        if (identityDir != null) {
            System.setProperty("trellis.identity.dir", identityDir.toString());
        }
        if (caAddress != null) {
            System.setProperty("trellis.ca.address", caAddress);
        }
        if (tokenFile != null) {
            System.setProperty("trellis.token.file", tokenFile.toString());
        }
    }
}
