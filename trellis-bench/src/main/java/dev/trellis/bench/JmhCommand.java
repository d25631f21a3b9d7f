package dev.trellis.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/** {@code jmh [JMH options]}: runs the micro-benchmarks packed in this jar (e.g. {@code jmh LoadPath -f 1}). */
@Command(name = "jmh", description = "Run the JMH micro-benchmarks; arguments go to JMH (try: jmh -h, jmh -l).")
final class JmhCommand implements Callable<Integer> {

    /** Everything after "jmh", options included, belongs to JMH. */
    @Unmatched
    List<String> arguments = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        org.openjdk.jmh.Main.main(arguments.toArray(new String[0]));
        return 0;
    }
}
