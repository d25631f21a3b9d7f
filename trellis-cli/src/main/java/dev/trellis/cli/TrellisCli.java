package dev.trellis.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The one launcher behind {@code bin/trellis}: every role is a subcommand. */
@Command(
        name = "trellis",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Trellis service mesh: sidecar proxy, control plane and tools.",
        subcommands = {
                ProxyCommand.class,
                ControlPlaneCommand.class,
                ApplyCommand.class,
                GetCommand.class,
                DeleteCommand.class,
                RunCommand.class,
                DemoCommand.class,
                DemoAppCommand.class,
                TokenCommand.class,
                CheckCommand.class,
                StatCommand.class,
                TopCommand.class,
                TapCommand.class,
                ProxyConfigCommand.class,
                CommandLine.HelpCommand.class
        })
public final class TrellisCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        // explicit-mode callers in this JVM (demo apps, tools) name their destination in Host; the JDK client
        // reads this switch once, before its first use, so set it before any command runs
        String allowed = System.getProperty("jdk.httpclient.allowRestrictedHeaders", "");
        if (!allowed.toLowerCase(java.util.Locale.ROOT).contains("host")) {
            System.setProperty("jdk.httpclient.allowRestrictedHeaders", allowed.isBlank() ? "host" : allowed + ",host");
        }
        int code = new CommandLine(new TrellisCli()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
        // long-running roles block in their command until they stop
        System.exit(code);
    }
}
