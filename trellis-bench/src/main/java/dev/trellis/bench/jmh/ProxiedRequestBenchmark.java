package dev.trellis.bench.jmh;

import dev.trellis.config.xds.ProxyNode;
import dev.trellis.proxy.Proxy;
import dev.trellis.proxy.ProxyOptions;
import dev.trellis.proxy.xds.StandaloneConfigSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One whole request, 1 KiB each way over real loopback sockets, through real sidecars in this JVM: straight to the
 * backend, through one sidecar (HTTP/1.1 on both sides), and through two (the mesh hop: HTTP/2 between them). Run
 * with {@code -prof gc}: {@code gc.alloc.rate.norm} counts every thread of the JVM, so a sidecar's allocation per
 * request is the difference between a proxied benchmark and {@code direct}, and per hop half of it for two.
 * The sidecars run one worker each and read their configuration from a YAML file, as {@code trellis proxy} does.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Dio.netty.leakDetection.level=disabled", "-Xmx256m"})
public class ProxiedRequestBenchmark {
    private StaticBackend backend;
    private Proxy client;
    private Proxy server;
    private StandaloneConfigSource clientConfig;
    private StandaloneConfigSource serverConfig;
    private Path dir;
    private BlockingHttpClient direct;
    private BlockingHttpClient oneSidecar;
    private BlockingHttpClient twoSidecars;

    @Setup(Level.Trial)
    public void start() throws Exception {
        backend = StaticBackend.start(1024);
        server = Proxy.start(ProxyOptions.builder("backend").ephemeralPorts().workers(1).appPort(backend.port())
                .drainTimeout(Duration.ofMillis(100)).build());
        client = Proxy.start(ProxyOptions.builder("bench-client").ephemeralPorts().workers(1)
                .drainTimeout(Duration.ofMillis(100)).build());
        dir = Files.createTempDirectory("trellis-jmh");
        Path mesh = dir.resolve("mesh.yaml");
        Files.writeString(mesh, """
                apiVersion: trellis.dev/v1alpha1
                kind: Service
                metadata: {name: bench-client}
                spec: {protocol: http, port: 8080}
                ---
                apiVersion: trellis.dev/v1alpha1
                kind: Service
                metadata: {name: backend}
                spec:
                  protocol: http
                  port: 8080
                  endpoints:
                    - {address: "127.0.0.1:%d", meshed: true}
                ---
                apiVersion: trellis.dev/v1alpha1
                kind: Service
                metadata: {name: plain}
                spec:
                  protocol: http
                  port: 8080
                  endpoints:
                    - {address: "127.0.0.1:%d"}
                """.formatted(server.inboundPort(), backend.port()));
        serverConfig = new StandaloneConfigSource(mesh, new ProxyNode("backend", "default", backend.port()));
        serverConfig.start(snapshot -> server.apply(snapshot, "file:" + mesh));
        clientConfig = new StandaloneConfigSource(mesh, new ProxyNode("bench-client", "default", 0));
        clientConfig.start(snapshot -> client.apply(snapshot, "file:" + mesh));
        direct = BlockingHttpClient.connect(backend.port(), "backend", 1024);
        oneSidecar = BlockingHttpClient.connect(client.outboundPort(), "plain", 1024);
        twoSidecars = BlockingHttpClient.connect(client.outboundPort(), "backend", 1024);
        for (BlockingHttpClient c : new BlockingHttpClient[] {direct, oneSidecar, twoSidecars}) {
            c.call(); // fails fast if a route or a port is wrong
        }
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
        for (AutoCloseable c : new AutoCloseable[] {direct, oneSidecar, twoSidecars, clientConfig, serverConfig}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // tearing down
            }
        }
        if (client != null) {
            client.drainAndStop();
        }
        if (server != null) {
            server.drainAndStop();
        }
        if (backend != null) {
            backend.close();
        }
        if (dir != null) {
            try (var files = Files.list(dir)) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    /** Client to backend: the baseline every proxied figure is compared with. */
    @Benchmark
    public int direct() throws IOException {
        return direct.call();
    }

    /** Client to a sidecar's outbound listener to the backend, HTTP/1.1 on both sides. */
    @Benchmark
    public int oneSidecar() throws IOException {
        return oneSidecar.call();
    }

    /** Client to sidecar A, HTTP/2 to sidecar B's inbound listener, then its app: a mesh call. */
    @Benchmark
    public int twoSidecars() throws IOException {
        return twoSidecars.call();
    }
}
