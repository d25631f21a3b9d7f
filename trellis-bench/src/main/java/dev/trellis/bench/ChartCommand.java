package dev.trellis.bench;

import dev.trellis.bench.report.ChartRenderer;
import dev.trellis.bench.report.ResultSet;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code chart DIR}: draws latency percentiles and throughput per contender as a PNG. */
@Command(name = "chart", mixinStandardHelpOptions = true,
        description = "Draw a PNG chart from a folder of load --json files.")
final class ChartCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "DIR", description = "folder holding the runs' *.json")
    Path directory;

    @Option(names = "--out", paramLabel = "FILE", description = "write here (default: DIR/chart.png)")
    Path out;

    @Option(names = "--title", defaultValue = "Trellis vs. peers: two proxy hops, loopback", description = "heading")
    String title;

    @Override
    public Integer call() throws Exception {
        System.setProperty("java.awt.headless", "true");
        ResultSet results = ResultSet.read(directory);
        if (results.isEmpty()) {
            System.err.println("chart: no *.json runs in " + directory);
            return 1;
        }
        Path target = out != null ? out : directory.resolve("chart.png");
        if (!ImageIO.write(new ChartRenderer(results, title).render(), "png", target.toFile())) {
            throw new IllegalStateException("no PNG writer available");
        }
        System.out.println("wrote " + target);
        return 0;
    }
}
