package dev.trellis.proxy.upstream.lb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.proxy.config.ClusterConfig.LbPolicy;
import dev.trellis.proxy.config.Endpoint;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The balancing strategies, driven with explicit latencies and times (no sockets, no clock). */
class LoadBalancerTest {
    private static final long MS = 1_000_000;

    private static EndpointState state(int port, int weight) {
        return new EndpointState(new Endpoint("127.0.0.1", port, weight, Map.of(), false), 0);
    }

    @Test
    void peakEwmaSendsTrafficAwayFromASlowEndpoint() {
        EndpointState fast = state(1, 1);
        EndpointState slow = state(2, 1);
        LoadBalancer lb = LoadBalancer.of(LbPolicy.PEAK_EWMA, List.of(fast, slow));
        long now = 1;
        int toSlow = 0;
        for (int i = 0; i < 1000; i++) {
            EndpointState e = lb.pick(null, now);
            e.onStart();
            long rtt = e == slow ? 150 * MS : MS;
            now += rtt;
            e.onEnd(rtt, now);
            toSlow += e == slow ? 1 : 0;
        }
        assertThat(toSlow).isLessThan(20);
    }

    @Test
    void peakEwmaReactsAtOnceWhenAnEndpointTurnsSlow() {
        EndpointState a = state(1, 1);
        EndpointState b = state(2, 1);
        LoadBalancer lb = LoadBalancer.of(LbPolicy.PEAK_EWMA, List.of(a, b));
        long now = 1;
        for (int i = 0; i < 100; i++) {
            EndpointState e = lb.pick(null, now);
            e.onStart();
            now += MS;
            e.onEnd(MS, now);
        }
        // one slow answer from a: the peak takes over immediately, the next requests go to b
        now += 500 * MS;
        a.onStart();
        a.onEnd(500 * MS, now);
        for (int i = 0; i < 20; i++) {
            assertThat(lb.pick(null, now)).isSameAs(b);
        }
    }

    @Test
    void anEndpointLeftAloneAfterOneSlowAnswerIsTriedAgain() {
        EndpointState a = state(1, 1);
        EndpointState b = state(2, 1);
        LoadBalancer lb = LoadBalancer.of(LbPolicy.PEAK_EWMA, List.of(a, b));
        long now = 1;
        a.onStart();
        a.onEnd(500 * MS, now); // one slow answer (a pause), then nothing from a
        int toA = 0;
        int toAInLastMinute = 0;
        // 100 requests a second for three minutes, every answer in 1 ms
        for (int i = 0; i < 18_000; i++) {
            now += 10 * MS;
            EndpointState e = lb.pick(null, now);
            e.onStart();
            e.onEnd(MS, now + MS);
            toA += e == a ? 1 : 0;
            toAInLastMinute += e == a && i >= 12_000 ? 1 : 0;
        }
        // without decay a's 500 ms estimate would stand for ever and a would get nothing; with it, a's estimate
        // falls to b's within a minute and a is back in the rotation
        assertThat(toA).isPositive();
        assertThat(toAInLastMinute).as("requests to a in the last minute, of 6000").isGreaterThan(1000);
    }

    @Test
    void anEndpointNeverMeasuredIsTriedWhileTheOthersAreFast() {
        EndpointState a = state(1, 1);
        EndpointState b = state(2, 1);
        LoadBalancer lb = LoadBalancer.of(LbPolicy.PEAK_EWMA, List.of(a, b));
        long now = 1;
        b.onStart();
        b.onEnd(MS, now);
        // a has only the 30 ms default; it decays until a is tried and measured
        boolean triedA = false;
        for (int i = 0; i < 6_000 && !triedA; i++) {
            now += 10 * MS;
            EndpointState e = lb.pick(null, now);
            e.onStart();
            e.onEnd(MS, now + MS);
            triedA = e == a;
        }
        assertThat(triedA).isTrue();
    }

    @Test
    void leastRequestPrefersTheEndpointWithFewerOutstandingRequests() {
        EndpointState busy = state(1, 1);
        EndpointState idle = state(2, 1);
        for (int i = 0; i < 5; i++) {
            busy.onStart();
        }
        LoadBalancer lb = LoadBalancer.of(LbPolicy.LEAST_REQUEST, List.of(busy, idle));
        for (int i = 0; i < 50; i++) {
            assertThat(lb.pick(null)).isSameAs(idle);
        }
    }

    @Test
    void roundRobinHonoursWeightsSmoothly() {
        EndpointState heavy = state(1, 3);
        EndpointState light = state(2, 1);
        LoadBalancer lb = LoadBalancer.of(LbPolicy.ROUND_ROBIN, List.of(heavy, light));
        Map<EndpointState, Integer> counts = new HashMap<>();
        for (int i = 0; i < 400; i++) {
            counts.merge(lb.pick(null), 1, Integer::sum);
        }
        assertThat(counts.get(heavy)).isEqualTo(300);
        assertThat(counts.get(light)).isEqualTo(100);
    }

    @Test
    void pickAvoidsTheEndpointThatJustFailedWhenAnotherExists() {
        EndpointState a = state(1, 1);
        EndpointState b = state(2, 1);
        for (LbPolicy policy : LbPolicy.values()) {
            LoadBalancer lb = LoadBalancer.of(policy, List.of(a, b));
            for (int i = 0; i < 50; i++) {
                assertThat(lb.pick(a)).isSameAs(b);
            }
        }
    }

    @Test
    void noEndpointsPicksNothing() {
        assertThat(LoadBalancer.of(LbPolicy.PEAK_EWMA, List.of()).pick(null)).isNull();
    }
}
