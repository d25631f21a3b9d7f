package dev.trellis.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LoadGeneratorTest {
    private static TinyHttpServer server;

    @BeforeAll
    static void startServer() throws InterruptedException {
        server = new TinyHttpServer();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void holdsFixedRateOverHttp1AndLeavesWarmUpOut() throws Exception {
        long servedBefore = server.requests();

        LoadResult result = run(spec(server.http1Port(), 500));

        long served = server.requests() - servedBefore;
        // 1 s of warm-up at 500 req/s: about 500 requests reached the server on top of the recorded ones.
        assertThat(served - result.requests()).isBetween(450L, 550L);

        assertThat(result.failures()).isEmpty();
        assertThat(result.errors()).isZero();
        assertThat(result.timeouts()).isZero();
        assertThat(result.achievedRate()).isCloseTo(500, within(75.0));
        // Exactly 2 s x 500 req/s are scheduled inside the window; every one must be recorded.
        assertThat(result.requests()).isBetween(996L, 1004L);
        assertThat(result.percentileMillis(50)).isPositive();
    }

    @Test
    void holdsFixedRateOverH2c() throws Exception {
        LoadResult result = run(spec(server.h2cPort(), 500).withProtocol(Protocol.H2C));

        assertThat(result.failures()).isEmpty();
        assertThat(result.errors()).isZero();
        assertThat(result.timeouts()).isZero();
        assertThat(result.achievedRate()).isCloseTo(500, within(75.0));
        // Exactly 2 s x 500 req/s are scheduled inside the window; every one must be recorded.
        assertThat(result.requests()).isBetween(996L, 1004L);
    }

    @Test
    void saturatesWithSeveralStreamsPerH2cConnection() throws Exception {
        LoadSpec spec = spec(server.h2cPort(), 0).withProtocol(Protocol.H2C).withConnections(2, 4)
                .withTiming(Duration.ofMillis(200), Duration.ofSeconds(1));

        LoadResult result = run(spec);

        assertThat(result.errors()).isZero();
        assertThat(result.timeouts()).isZero();
        assertThat(server.maxConcurrentStreams()).isGreaterThan(1);
        assertThat(result.requests()).isGreaterThan(100);
        // Closed loop: every recorded request completed, and throughput counts the same completions.
        assertThat((double) result.completedInWindow()).isCloseTo(result.requests(), within(8.0 + 0.05 * result.requests()));
    }

    @Test
    void saturatesOverHttp1() throws Exception {
        LoadSpec spec = spec(server.http1Port(), 0).withTiming(Duration.ofMillis(200), Duration.ofSeconds(1));

        LoadResult result = run(spec);

        assertThat(result.errors()).isZero();
        assertThat(result.timeouts()).isZero();
        assertThat(result.requests()).isGreaterThan(100);
    }

    @Test
    void countsNon2xxAsErrors() throws Exception {
        LoadSpec base = spec(server.http1Port(), 200).withTiming(Duration.ZERO, Duration.ofSeconds(1));
        LoadSpec spec = new LoadSpec(base.host(), base.port(), "/fail", base.authority(), Protocol.HTTP1, 2, 200,
                1, base.warmup(), base.duration(), 0, base.drainTimeout(), 1);

        LoadResult result = run(spec);

        assertThat(result.requests()).isZero();
        assertThat(result.errors()).isBetween(180L, 220L);
        assertThat(result.failures()).containsOnlyKeys("status 500");
    }

    @Test
    void reopensConnectionsThePeerCloses() throws Exception {
        LoadSpec base = spec(server.http1Port(), 200).withTiming(Duration.ZERO, Duration.ofSeconds(1));
        LoadSpec spec = new LoadSpec(base.host(), base.port(), "/close", base.authority(), Protocol.HTTP1, 2, 200,
                1, base.warmup(), base.duration(), 0, base.drainTimeout(), 1);

        LoadResult result = run(spec);

        assertThat(result.errors()).isZero();
        assertThat(result.reconnects()).isGreaterThan(100);
        assertThat(result.requests()).isBetween(180L, 220L);
    }

    @Test
    void refusesTargetsOffLoopback() {
        LoadSpec spec = new LoadSpec("192.0.2.1", 80, "/", "x", Protocol.HTTP1, 1, 1, 1, Duration.ZERO,
                Duration.ofSeconds(1), 0, Duration.ofSeconds(1), 1);

        assertThatThrownBy(() -> run(spec))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("host: 192.0.2.1 (expected: a loopback address)");
    }

    @Test
    void rejectsPipeliningOverHttp1() {
        assertThatThrownBy(() -> spec(1, 0).withConnections(1, 2))
                .hasMessage("depth: 2 (expected: 1 for HTTP1, which does not pipeline)");
    }

    private static LoadSpec spec(int port, int rate) {
        return LoadSpec.of("127.0.0.1", port, rate).withConnections(4, 1)
                .withTiming(Duration.ofSeconds(1), Duration.ofSeconds(2));
    }

    private static LoadResult run(LoadSpec spec) throws Exception {
        return new LoadGenerator(spec, ProcessWatch.none()).run();
    }
}
