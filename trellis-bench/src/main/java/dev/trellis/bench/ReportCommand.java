package dev.trellis.bench;

import dev.trellis.bench.report.MarkdownReport;
import dev.trellis.bench.report.ResultSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code report DIR}: merges the JSON runs in DIR into Markdown tables. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Write the Markdown results table from a folder of load --json files.")
final class ReportCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "DIR", description = "folder holding the runs' *.json")
    Path directory;

    @Option(names = "--out", paramLabel = "FILE", description = "write here (default: DIR/results.md)")
    Path out;

    @Option(names = "--title", defaultValue = "Trellis benchmark results", description = "heading")
    String title;

    @Option(names = "--note", paramLabel = "TEXT", description = "a line under the heading (repeatable)")
    List<String> notes = new ArrayList<>();

    @Option(names = "--chart", paramLabel = "PATH", description = "embed this image (relative to the output)")
    String chart;

    @Override
    public Integer call() throws Exception {
        ResultSet results = ResultSet.read(directory);
        if (results.isEmpty()) {
            System.err.println("report: no *.json runs in " + directory);
            return 1;
        }
        Path target = out != null ? out : directory.resolve("results.md");
        Files.writeString(target, new MarkdownReport(results, title, notes, chart).render());
        System.out.println("wrote " + target);
        return 0;
    }
}
