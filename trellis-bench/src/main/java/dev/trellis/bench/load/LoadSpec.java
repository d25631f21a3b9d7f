package dev.trellis.bench.load;

import java.time.Duration;
import java.util.Objects;

/**
 * What one load run does.
 *
 * @param host         target address (the generator refuses anything outside 127.0.0.0/8 and ::1)
 * @param path         the request path; over gRPC, the method ({@code /package.Service/Method})
 * @param authority    the Host header / :authority sent, which names the service behind a proxy
 * @param rate         requests per second over all connections, scheduled at fixed intervals (open loop);
 *                     0 runs closed-loop at maximum throughput (saturation)
 * @param depth        saturation only: requests kept in flight per connection (1 for HTTP/1.1)
 * @param bodyBytes    request body size; 0 sends GET, more sends POST with that many bytes
 * @param drainTimeout how long to wait after the run for requests still in flight; those left count as timeouts
 * @param ioThreads    event loops of the generator itself (kept small so it leaves the CPU to what it measures)
 */
public record LoadSpec(
        String host,
        int port,
        String path,
        String authority,
        Protocol protocol,
        int connections,
        int rate,
        int depth,
        Duration warmup,
        Duration duration,
        int bodyBytes,
        Duration drainTimeout,
        int ioThreads) {

    public LoadSpec {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(authority, "authority");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(warmup, "warmup");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(drainTimeout, "drainTimeout");
        require(port > 0 && port <= 65535, "port: " + port + " (expected: 1..65535)");
        require(path.startsWith("/"), "path: " + path + " (expected: starts with /)");
        require(connections > 0, "connections: " + connections + " (expected: > 0)");
        require(rate >= 0, "rate: " + rate + " (expected: >= 0, 0 for saturation)");
        require(depth > 0, "depth: " + depth + " (expected: > 0)");
        require(depth <= protocol.maxInFlightPerConnection(),
                "depth: " + depth + " (expected: 1 for " + protocol + ", which does not pipeline)");
        require(!warmup.isNegative(), "warmup: " + warmup + " (expected: >= 0)");
        require(duration.toMillis() > 0, "duration: " + duration + " (expected: > 0)");
        require(bodyBytes >= 0, "bodyBytes: " + bodyBytes + " (expected: >= 0)");
        require(ioThreads > 0, "ioThreads: " + ioThreads + " (expected: > 0)");
    }

    /** Sensible defaults for a target: 16 HTTP/1.1 connections, 1 KiB bodies, 1 s warm-up, 10 s measured. */
    public static LoadSpec of(String host, int port, int rate) {
        return new LoadSpec(host, port, "/", host + ":" + port, Protocol.HTTP1, 16, rate, 1,
                Duration.ofSeconds(1), Duration.ofSeconds(10), 1024, Duration.ofSeconds(5), 1);
    }

    public boolean saturating() {
        return rate == 0;
    }

    public LoadSpec withProtocol(Protocol value) {
        return new LoadSpec(host, port, path, authority, value, connections, rate, depth, warmup, duration,
                bodyBytes, drainTimeout, ioThreads);
    }

    public LoadSpec withPath(String value) {
        return new LoadSpec(host, port, value, authority, protocol, connections, rate, depth, warmup, duration,
                bodyBytes, drainTimeout, ioThreads);
    }

    public LoadSpec withTiming(Duration warmupValue, Duration durationValue) {
        return new LoadSpec(host, port, path, authority, protocol, connections, rate, depth, warmupValue,
                durationValue, bodyBytes, drainTimeout, ioThreads);
    }

    public LoadSpec withConnections(int value, int depthValue) {
        return new LoadSpec(host, port, path, authority, protocol, value, rate, depthValue, warmup, duration,
                bodyBytes, drainTimeout, ioThreads);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
