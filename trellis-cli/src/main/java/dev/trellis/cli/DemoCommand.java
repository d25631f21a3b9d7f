package dev.trellis.cli;

import dev.trellis.demo.DemoMesh;
import dev.trellis.demo.DemoOptions;
import dev.trellis.demo.JavaLauncher;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
                "Run the demo mesh: a control plane; web (HTTP) calls catalog (HTTP, v1 and v2) and recommend (gRPC),"
                        + " each service run with its own sidecar (trellis run), with steady traffic at web; catalog"
                        + " traffic shifts to v2 in steps (0, 10, 25, 50, 100%%) through the control plane.",
                "Prints a live table of every service's and every call's request rate, success rate and latency"
                        + " (from the sidecars' metrics) and where each admin endpoint is. Ctrl-C stops everything."
        })
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--duration", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "Stop after this long of traffic (e.g. 15s, 2m); default: run until Ctrl-C.")
    Duration duration;

    @Option(names = "--rps", defaultValue = "30", paramLabel = "N",
            description = "Requests per second sent to web (default: ${DEFAULT-VALUE}).")
    int rps;

    @Option(names = "--interval", defaultValue = "3s", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "How often the table is printed (default: ${DEFAULT-VALUE}).")
    Duration interval;

    @Option(names = "--work-dir", paramLabel = "DIR",
            description = "Where the mesh config and logs go (default: a new temporary directory).")
    Path workDir;

    @Option(names = "--canary-step", defaultValue = "5s", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "How long each step of the catalog-v2 canary lasts (default: ${DEFAULT-VALUE}).")
    Duration canaryStep;

    @Option(names = "--standalone",
            description = "No control plane: the sidecars read one mesh file, catalog is split 80/20 and stays so.")
    boolean standalone;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        DemoOptions options;
        try {
            options = new DemoOptions(
                    Optional.ofNullable(duration),
                    rps,
                    interval,
                    JavaLauncher.current(TrellisCli.class.getName()),
                    System.out,
                    System.err,
                    isTerminal(),
                    Optional.ofNullable(workDir),
                    standalone,
                    canaryStep);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        return DemoMesh.run(options);
    }

    /** Redraw and colour only for a person at a terminal; logs and pipes get plain lines. */
    private static boolean isTerminal() {
        String term = System.getenv("TERM");
        return System.console() != null && term != null && !term.equals("dumb") && System.getenv("NO_COLOR") == null;
    }
}
