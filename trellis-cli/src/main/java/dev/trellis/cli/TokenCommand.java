package dev.trellis.cli;

import dev.trellis.controlplane.ca.BootstrapTokens;
import dev.trellis.controlplane.ca.CaDirectory;
import dev.trellis.controlplane.ca.CaOptions;
import dev.trellis.controlplane.ca.SpiffeId;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code trellis token}: bootstrap tokens, each bound to one workload identity. */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = "Bootstrap tokens: how a sidecar proves which identity it may get a certificate for.",
        subcommands = TokenCommand.Create.class)
final class TokenCommand implements Runnable {

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    /** Where the CA keeps its files: the control plane's config directory, or the CA directory itself. */
    static final class CaLocation {
        @Option(names = "--config-dir", paramLabel = "DIR", description = "The control plane's --config-dir (its CA lives in DIR/.trellis/ca).")
        Path configDir;

        @Option(names = "--ca-dir", paramLabel = "DIR", description = "The CA directory itself.")
        Path caDir;

        Path resolve() {
            return caDir != null ? caDir : configDir.resolve(".trellis").resolve("ca");
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Print a token that lets a sidecar obtain certificates for one service's identity, and no other.",
                    "Give it to the sidecar as TRELLIS_TOKEN (or in a file named by TRELLIS_TOKEN_FILE)."})
    static final class Create implements Callable<Integer> {
        @ArgGroup(exclusive = true, multiplicity = "1")
        CaLocation ca;

        @Option(names = "--service", required = true, description = "The service (its name stands for its service account).")
        String service;

        @Option(names = "--namespace", defaultValue = "default", description = "Its namespace (default: ${DEFAULT-VALUE}).")
        String namespace;

        @Option(names = "--trust-domain", defaultValue = CaOptions.DEFAULT_TRUST_DOMAIN,
                description = "The mesh's SPIFFE trust domain (default: ${DEFAULT-VALUE}).")
        String trustDomain;

        @Option(names = "--ttl", defaultValue = "8760h", converter = DurationConverter.class,
                description = "How long the token may be used (default: ${DEFAULT-VALUE}); renewals use it too.")
        Duration ttl;

        @Override
        public Integer call() {
            SpiffeId id;
            try {
                id = new SpiffeId(trustDomain, namespace, service);
            } catch (IllegalArgumentException e) {
                System.err.println("trellis token create: " + e.getMessage());
                return 2;
            }
            // the key is created here when the control plane has not run yet; it reads the same file
            byte[] key = new CaDirectory(ca.resolve()).tokenKey();
            System.out.println(new BootstrapTokens(key, Clock.systemUTC()).create(id, ttl));
            return 0;
        }
    }
}
