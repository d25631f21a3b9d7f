package dev.trellis.proxy.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import com.google.protobuf.UInt32Value;
import dev.trellis.proxy.config.HealthCheck;
import dev.trellis.proxy.config.IdleTimeouts;
import dev.trellis.proxy.config.ListenerConfig;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.HealthCheck.HttpHealthCheck;
import io.envoyproxy.envoy.config.core.v3.HttpProtocolOptions;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.type.v3.Int64Range;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Hand-made xDS for the downstream idle timeouts and the HTTP health check's statuses, with Envoy's defaults. */
class IdleTimeoutAndHealthCheckDecoderTest {
    private static HttpConnectionManager.Builder hcm() {
        return HttpConnectionManager.newBuilder().setStatPrefix("s").setRds(Rds.newBuilder().setRouteConfigName("t"));
    }

    private static Listener listener(HttpConnectionManager.Builder... chains) {
        Listener.Builder l = Listener.newBuilder().setName("l");
        for (HttpConnectionManager.Builder h : chains) {
            l.addFilterChains(FilterChain.newBuilder().addFilters(Filter.newBuilder()
                    .setName("envoy.filters.network.http_connection_manager").setTypedConfig(Any.pack(h.build()))));
        }
        return l.build();
    }

    @Test
    void idleTimeoutsDefaultToEnvoys() {
        ListenerConfig l = ListenerDecoder.decode(listener(hcm()));
        assertThat(l.idleTimeouts()).isEqualTo(new IdleTimeouts(Duration.ofHours(1), Duration.ofMinutes(5)));
    }

    @Test
    void idleTimeoutsAreRead() {
        ListenerConfig l = ListenerDecoder.decode(listener(hcm()
                .setCommonHttpProtocolOptions(HttpProtocolOptions.newBuilder().setIdleTimeout(ResilienceDecoderTest.millis(30_000)))
                .setStreamIdleTimeout(ResilienceDecoderTest.millis(0))));
        assertThat(l.idleTimeouts()).isEqualTo(new IdleTimeouts(Duration.ofSeconds(30), Duration.ZERO));
    }

    @Test
    void everyChainMustAgree() {
        assertThatThrownBy(() -> ListenerDecoder.decode(listener(hcm(), hcm().setStreamIdleTimeout(ResilienceDecoderTest.millis(1000)))))
                .isInstanceOf(XdsResourceException.class)
                .hasMessage("listener l: filter_chains[1].filters[0]: idle timeouts idle_timeout PT1H, stream_idle_timeout PT1S"
                        + " (expected: idle_timeout PT1H, stream_idle_timeout PT5M, as in the listener's other chain)");
    }

    private static io.envoyproxy.envoy.config.core.v3.HealthCheck.Builder check(HttpHealthCheck.Builder http) {
        return io.envoyproxy.envoy.config.core.v3.HealthCheck.newBuilder().setTimeout(ResilienceDecoderTest.millis(100))
                .setInterval(ResilienceDecoderTest.millis(1000)).setUnhealthyThreshold(UInt32Value.of(2))
                .setHealthyThreshold(UInt32Value.of(1)).setHttpHealthCheck(http.setPath("/h"));
    }

    private static Int64Range range(int start, int end) {
        return Int64Range.newBuilder().setStart(start).setEnd(end).build();
    }

    @Test
    void healthCheckStatuses() {
        HealthCheck plain = ClusterDecoder.decode(ResilienceDecoderTest.cluster().addHealthChecks(check(HttpHealthCheck.newBuilder()))
                .build()).cluster().healthCheck();
        assertThat(plain.expectedStatuses()).isEqualTo(HealthCheck.OK_ONLY);
        assertThat(plain.retriableStatuses()).isEmpty();
        assertThat(plain.expected(200)).isTrue();
        assertThat(plain.expected(204)).isFalse();

        HealthCheck custom = ClusterDecoder.decode(ResilienceDecoderTest.cluster().addHealthChecks(check(HttpHealthCheck.newBuilder()
                .addExpectedStatuses(range(200, 300)).addRetriableStatuses(range(503, 504)))).build()).cluster().healthCheck();
        assertThat(custom.expectedStatuses()).containsExactly(new HealthCheck.StatusRange(200, 300));
        assertThat(custom.retriableStatuses()).containsExactly(new HealthCheck.StatusRange(503, 504));
        assertThat(custom.expected(204)).isTrue();
        assertThat(custom.retriable(503)).isTrue();
        assertThat(custom.retriable(500)).isFalse();
    }

    @Test
    void badStatusRangesAreRefused() {
        Cluster.Builder c = ResilienceDecoderTest.cluster().addHealthChecks(check(HttpHealthCheck.newBuilder()
                .addExpectedStatuses(range(200, 700))));
        assertThat(ResilienceDecoderTest.clusterFailure(c)).isEqualTo("cluster c: health_checks[0].http_health_check.expected_statuses[0]:"
                + " [200, 700) (expected: a non-empty range within [100, 600))");
        Cluster.Builder empty = ResilienceDecoderTest.cluster().addHealthChecks(check(HttpHealthCheck.newBuilder()
                .addRetriableStatuses(range(503, 503))));
        assertThat(ResilienceDecoderTest.clusterFailure(empty)).isEqualTo("cluster c: health_checks[0].http_health_check"
                + ".retriable_statuses[0]: [503, 503) (expected: a non-empty range within [100, 600))");
    }
}
