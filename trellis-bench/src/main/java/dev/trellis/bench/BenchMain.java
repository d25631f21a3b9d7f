package dev.trellis.bench;

import java.io.IOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of trellis-bench.jar: the load generator and the tools that turn its results into reports. */
@Command(
        name = "trellis-bench",
        mixinStandardHelpOptions = true,
        description = "Load generator and benchmark reports for Trellis and its peers.",
        subcommands = {LoadCommand.class, GrpcBackendCommand.class, ReportCommand.class, ChartCommand.class,
                JmhCommand.class, CommandLine.HelpCommand.class})
public final class BenchMain implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new BenchMain())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler(BenchMain::reportExpectedFailure);
    }

    /** A peer that cannot be reached or an invalid argument is one line on stderr and exit 1; anything else keeps its stack. */
    private static int reportExpectedFailure(Exception e, CommandLine command, CommandLine.ParseResult parsed)
            throws Exception {
        if (e instanceof IOException || e instanceof IllegalArgumentException) {
            command.getErr().println("trellis-bench " + command.getCommandName() + ": " + e.getMessage());
            return 1;
        }
        throw e;
    }
}
