package dev.trellis.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.trellis.bench.grpc.GrpcBackend;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The generator in gRPC mode against the real gRPC backend, over loopback. */
class GrpcLoadTest {
    private static final String METHOD = "/trellis.bench.Echo/Call";
    private static GrpcBackend backend;
    private static GrpcBackend failingBackend;

    @BeforeAll
    static void startBackends() throws Exception {
        backend = GrpcBackend.start(0, 1024, 0);
        failingBackend = GrpcBackend.start(0, 1024, 4);
        // A cold JVM answers the first calls slowly; a short saturation run keeps that out of the rate tests.
        run(spec(backend.port(), 0).withConnections(2, 4).withTiming(Duration.ZERO, Duration.ofMillis(500)));
    }

    @AfterAll
    static void stopBackends() {
        backend.close();
        failingBackend.close();
    }

    @Test
    void completesEveryCallAtAFixedRate() throws Exception {
        LoadResult result = run(spec(backend.port(), 500));

        assertThat(result.failures()).isEmpty();
        assertThat(result.errors()).isZero();
        assertThat(result.timeouts()).isZero();
        assertThat(result.achievedRate()).isCloseTo(500, within(75.0));
        // Exactly 2 s x 500 calls/s are scheduled inside the window; every one must be recorded.
        assertThat(result.requests()).isBetween(996L, 1004L);
    }

    @Test
    void countsCallsEndingWithANonZeroGrpcStatusAsErrors() throws Exception {
        LoadSpec spec = spec(failingBackend.port(), 400).withTiming(Duration.ZERO, Duration.ofSeconds(1));

        LoadResult result = run(spec);

        // UNAVAILABLE is grpc-status 14; every 4th of the ~400 calls gets it.
        assertThat(result.failures()).containsOnlyKeys("grpc-status 14");
        assertThat(result.errors()).isBetween(90L, 110L);
        assertThat(result.requests()).isBetween(270L, 330L);
        assertThat(result.timeouts()).isZero();
    }

    @Test
    void countsAnUnknownMethodAsErrors() throws Exception {
        LoadSpec spec = spec(backend.port(), 200).withPath("/trellis.bench.Echo/Missing")
                .withTiming(Duration.ZERO, Duration.ofMillis(500));

        LoadResult result = run(spec);

        assertThat(result.requests()).isZero();
        assertThat(result.failures()).containsOnlyKeys("grpc-status 12");
        assertThat(result.errors()).isBetween(90L, 110L);
    }

    @Test
    void saturatesWithSeveralCallsInFlightPerConnection() throws Exception {
        LoadSpec spec = spec(backend.port(), 0).withConnections(2, 4)
                .withTiming(Duration.ofMillis(200), Duration.ofSeconds(1));

        LoadResult result = run(spec);

        assertThat(result.errors()).isZero();
        assertThat(result.timeouts()).isZero();
        assertThat(result.requests()).isGreaterThan(100);
        // Closed loop: every recorded call completed, and throughput counts the same completions.
        assertThat((double) result.completedInWindow()).isCloseTo(result.requests(), within(8.0 + 0.05 * result.requests()));
    }

    private static LoadSpec spec(int port, int rate) {
        return LoadSpec.of("127.0.0.1", port, rate).withProtocol(Protocol.GRPC).withPath(METHOD)
                .withConnections(4, 1).withTiming(Duration.ofSeconds(1), Duration.ofSeconds(2));
    }

    private static LoadResult run(LoadSpec spec) throws Exception {
        return new LoadGenerator(spec, ProcessWatch.none()).run();
    }
}
