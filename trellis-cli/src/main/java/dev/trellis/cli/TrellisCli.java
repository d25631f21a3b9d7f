package dev.trellis.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/** The one launcher behind {@code bin/trellis}: every role is a subcommand. */
@Command(
        name = "trellis",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Trellis service mesh: sidecar proxy, control plane and tools.")
public final class TrellisCli implements Runnable {
    /** Every subcommand, in the order of {@code trellis --help}. */
    private static final Map<String, Supplier<Object>> SUBCOMMANDS = new LinkedHashMap<>();

    static {
        SUBCOMMANDS.put("proxy", ProxyCommand::new);
        SUBCOMMANDS.put("control-plane", ControlPlaneCommand::new);
        SUBCOMMANDS.put("apply", ApplyCommand::new);
        SUBCOMMANDS.put("get", GetCommand::new);
        SUBCOMMANDS.put("delete", DeleteCommand::new);
        SUBCOMMANDS.put("run", RunCommand::new);
        SUBCOMMANDS.put("demo", DemoCommand::new);
        SUBCOMMANDS.put("demo-app", DemoAppCommand::new);
        SUBCOMMANDS.put("token", TokenCommand::new);
        SUBCOMMANDS.put("check", CheckCommand::new);
        SUBCOMMANDS.put("stat", StatCommand::new);
        SUBCOMMANDS.put("top", TopCommand::new);
        SUBCOMMANDS.put("tap", TapCommand::new);
        SUBCOMMANDS.put("proxy-config", ProxyConfigCommand::new);
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /**
     * The command line for {@code args}. picocli reflects over every subcommand it is given, which cost a
     * sidecar ~0.3 s of its start-up: when the first argument names a subcommand, only that one is built.
     */
    static CommandLine commandLine(String... args) {
        CommandLine cl = new CommandLine(new TrellisCli());
        Supplier<Object> only = args.length > 0 ? SUBCOMMANDS.get(args[0]) : null;
        if (only != null) {
            cl.addSubcommand(args[0], only.get());
        } else {
            SUBCOMMANDS.forEach((name, command) -> cl.addSubcommand(name, command.get()));
            cl.addSubcommand("help", new CommandLine.HelpCommand());
        }
        return cl.setCaseInsensitiveEnumValuesAllowed(true);
    }

    /** The names of every subcommand. */
    static Set<String> subcommandNames() {
        return SUBCOMMANDS.keySet();
    }

    public static void main(String[] args) {
        // explicit-mode callers in this JVM (demo apps, tools) name their destination in Host; the JDK client
        // reads this switch once, before its first use, so set it before any command runs
        String allowed = System.getProperty("jdk.httpclient.allowRestrictedHeaders", "");
        if (!allowed.toLowerCase(java.util.Locale.ROOT).contains("host")) {
            System.setProperty("jdk.httpclient.allowRestrictedHeaders", allowed.isBlank() ? "host" : allowed + ",host");
        }
        int code = commandLine(args).execute(args);
        // long-running roles block in their command until they stop
        System.exit(code);
    }
}
