package dev.trellis.bench;

import dev.trellis.bench.load.LoadGenerator;
import dev.trellis.bench.load.LoadResult;
import dev.trellis.bench.load.LoadSpec;
import dev.trellis.bench.load.ProcessWatch;
import dev.trellis.bench.load.Protocol;
import dev.trellis.bench.load.ResultJson;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code load URL}: one open-loop (fixed rate) or closed-loop (saturation) run; prints text, writes JSON. */
@Command(name = "load", mixinStandardHelpOptions = true,
        description = "Send HTTP or gRPC load to a loopback target and report latency percentiles and throughput.")
final class LoadCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "URL", description = "http://127.0.0.1:PORT/path (loopback only)")
    URI url;

    @Option(names = "--host-header", description = "Host / :authority to send (default: the URL's host:port)")
    String hostHeader;

    @Option(names = "--protocol", defaultValue = "http1",
            description = "http1 | h2c | grpc: unary calls over h2c (default: ${DEFAULT-VALUE})")
    Protocol protocol;

    @Option(names = "--grpc-method", defaultValue = "/trellis.bench.Echo/Call",
            description = "grpc: the method called, in place of the URL's path (default: ${DEFAULT-VALUE})")
    String grpcMethod;

    @Option(names = {"-c", "--connections"}, defaultValue = "16", description = "connections (default: ${DEFAULT-VALUE})")
    int connections;

    @Option(names = {"-r", "--rate"}, defaultValue = "1000",
            description = "requests per second, open loop (default: ${DEFAULT-VALUE}); 0 = saturation")
    int rate;

    @Option(names = "--saturate", description = "closed loop at maximum throughput (same as --rate 0)")
    boolean saturate;

    @Option(names = "--depth", defaultValue = "1",
            description = "saturation: requests in flight per connection; >1 needs h2c or grpc (default: ${DEFAULT-VALUE})")
    int depth;

    @Option(names = "--warmup", defaultValue = "2s", converter = DurationConverter.class,
            description = "excluded from the results (default: ${DEFAULT-VALUE})")
    Duration warmup;

    @Option(names = {"-d", "--duration"}, defaultValue = "10s", converter = DurationConverter.class,
            description = "measured window (default: ${DEFAULT-VALUE})")
    Duration duration;

    @Option(names = "--body", defaultValue = "1024",
            description = "request body bytes; 0 sends GET, otherwise POST; grpc: the message (default: ${DEFAULT-VALUE})")
    int bodyBytes;

    @Option(names = "--drain-timeout", defaultValue = "5s", converter = DurationConverter.class,
            description = "wait for in-flight requests after the window (default: ${DEFAULT-VALUE})")
    Duration drainTimeout;

    @Option(names = "--io-threads", defaultValue = "1", description = "generator event loops (default: ${DEFAULT-VALUE})")
    int ioThreads;

    @Option(names = "--watch", paramLabel = "NAME=PID",
            description = "sample this process's CPU time and peak RSS over the window (repeatable)")
    Map<String, Long> watch = new LinkedHashMap<>();

    @Option(names = "--clk-tck", defaultValue = "100", description = "getconf CLK_TCK (default: ${DEFAULT-VALUE})")
    int clockTicks;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the result as JSON here")
    Path json;

    @Option(names = "--contender", defaultValue = "target", description = "label in the JSON (default: ${DEFAULT-VALUE})")
    String contender;

    @Option(names = "--scenario", description = "label in the JSON (default: rate-N or saturation)")
    String scenario;

    @Override
    public Integer call() throws Exception {
        if (!"http".equals(url.getScheme()) || url.getPort() < 0) {
            throw new IllegalArgumentException("url: " + url + " (expected: http://HOST:PORT/path)");
        }
        int effectiveRate = saturate ? 0 : rate;
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        if (url.getRawQuery() != null) {
            path += "?" + url.getRawQuery();
        }
        if (protocol == Protocol.GRPC) {
            path = grpcMethod;
        }
        String authority = hostHeader != null ? hostHeader : url.getHost() + ":" + url.getPort();
        LoadSpec spec = new LoadSpec(url.getHost(), url.getPort(), path, authority, protocol, connections,
                effectiveRate, depth, warmup, duration, bodyBytes, drainTimeout, ioThreads);
        LoadResult result = new LoadGenerator(spec, new ProcessWatch(watch, clockTicks)).run();
        System.out.print(result.toText());
        if (json != null) {
            String label = scenario != null ? scenario : effectiveRate == 0 ? "saturation" : "rate-" + effectiveRate;
            if (json.toAbsolutePath().getParent() != null) {
                Files.createDirectories(json.toAbsolutePath().getParent());
            }
            Files.writeString(json, ResultJson.toString(ResultJson.of(result, contender, label)));
        }
        return 0;
    }
}
