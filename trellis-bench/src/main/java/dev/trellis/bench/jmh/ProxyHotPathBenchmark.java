package dev.trellis.bench.jmh;

import dev.trellis.proxy.config.ClusterConfig.LbPolicy;
import dev.trellis.proxy.http.HopByHop;
import dev.trellis.proxy.config.Endpoint;
import dev.trellis.proxy.config.Route;
import dev.trellis.proxy.config.RouteAction;
import dev.trellis.proxy.config.RouteMatch;
import dev.trellis.proxy.config.RouteMatch.HeaderMatch;
import dev.trellis.proxy.config.RouteMatch.PathMatch;
import dev.trellis.proxy.config.RouteTable;
import dev.trellis.proxy.config.VirtualHost;
import dev.trellis.proxy.metrics.ProxyMetrics;
import dev.trellis.proxy.metrics.RouteStats;
import dev.trellis.proxy.route.CompiledRoute;
import dev.trellis.proxy.route.Router;
import dev.trellis.proxy.upstream.lb.EndpointState;
import dev.trellis.proxy.upstream.lb.LoadBalancer;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.HttpConversionUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-request work of the proxy outside the socket: route matching over a realistic table, a load-balancer
 * pick and release, header handling, and recording a response in the metrics. Run with {@code -prof gc} for
 * allocation per operation; {@link ProxiedRequestBenchmark} measures a whole request through real sidecars.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ProxyHotPathBenchmark {
    private Router router;
    private HttpRequest request;
    private HttpRequest browserRequest;
    private LoadBalancer peakEwma;
    private LoadBalancer roundRobin;
    private RouteStats stats;
    private long now = 1;

    @Setup
    public void setUp() {
        List<VirtualHost> hosts = new ArrayList<>();
        for (int s = 0; s < 50; s++) {
            String name = "svc-" + s;
            List<Route> routes = List.of(
                    new Route(name + "/0", new RouteMatch(PathMatch.prefix("/admin"), List.of(HeaderMatch.exact("x-canary", "1")),
                            List.of(), null), RouteAction.to(name + "-v2")),
                    new Route(name + "/1", new RouteMatch(PathMatch.exact("/health"), List.of(), List.of(), "GET"),
                            RouteAction.to(name)),
                    new Route(name + "/2", RouteMatch.ANY, new RouteAction(List.of(new RouteAction.WeightedCluster(name + "-v1", 90),
                            new RouteAction.WeightedCluster(name + "-v2", 10)), java.time.Duration.ZERO)));
            hosts.add(new VirtualHost(name, name, List.of(name, name + ":8080", name + ".default"), routes));
        }
        ProxyMetrics metrics = new ProxyMetrics("bench");
        router = Router.compile(new RouteTable("outbound", hosts), "outbound", metrics);
        request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/items/42?page=2");
        request.headers().set("host", "svc-37:8080").set("user-agent", "bench").set("accept", "*/*");
        List<EndpointState> endpoints = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            endpoints.add(new EndpointState(new Endpoint("10.0.0." + i, 8080, 1 + i % 3, Map.of(), true)));
        }
        peakEwma = LoadBalancer.of(LbPolicy.PEAK_EWMA, endpoints);
        roundRobin = LoadBalancer.of(LbPolicy.ROUND_ROBIN, endpoints);
        stats = metrics.route("outbound", "svc-37", "svc-37/2");
        browserRequest = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/api/v1/items/42?page=2&sort=asc");
        browserRequest.headers().set("host", "svc-37:8080")
                .set("user-agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36")
                .set("accept", "application/json, text/plain, */*").set("accept-language", "en-US,en;q=0.9")
                .set("accept-encoding", "gzip, deflate, br").set("connection", "keep-alive").set("keep-alive", "timeout=5")
                .set("cookie", "session=4f9a2c1e8b7d6f5a; theme=dark").set("x-request-id", "7d3c9a52-41f8-4d4e-9a8e-2b1f0c6d5e4a")
                .set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    }

    @Benchmark
    public String routeMatch() {
        Router.CompiledVirtualHost vh = router.virtualHost(Router.authorityOf(request));
        CompiledRoute route = Router.match(vh, request);
        return route.pickCluster();
    }

    @Benchmark
    public EndpointState peakEwmaPickAndRelease() {
        EndpointState e = peakEwma.pick(null);
        e.onStart();
        now += 1_000_000;
        e.onEnd(1_000_000, now);
        return e;
    }

    @Benchmark
    public EndpointState roundRobinPick() {
        return roundRobin.pick(null);
    }

    /**
     * What the proxy does to a typical browser-like request head on its way to a meshed peer: copy it (each attempt
     * sends its own), drop hop-by-hop and HTTP/2-extension headers, and convert it to HTTP/2 headers.
     */
    @Benchmark
    public Http2Headers headerHandling() {
        HttpRequest copy = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, browserRequest.uri());
        copy.headers().set(browserRequest.headers());
        HopByHop.strip(copy.headers(), false);
        HopByHop.stripHttp2Extensions(copy.headers());
        copy.headers().set(HttpConversionUtil.ExtensionHeaderNames.SCHEME.text(), "http"); // as the stream codec does
        return HttpConversionUtil.toHttp2Headers(copy, false);
    }

    @Benchmark
    public void recordResponse() {
        stats.request();
        stats.response(200, null).record(1_234_567);
    }
}
