package dev.trellis.config.xds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.config.resource.TrafficPolicy;
import io.envoyproxy.envoy.config.core.v3.HealthCheck;
import io.envoyproxy.envoy.type.v3.Int64Range;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** healthCheck in Envoy's terms: expected statuses as ranges, every other status retriable (it counts to the threshold). */
class HealthCheckTranslationTest {
    private static Int64Range range(int start, int end) {
        return Int64Range.newBuilder().setStart(start).setEnd(end).build();
    }

    @Test
    void expectedStatusesBecomeRangesAndEveryOtherStatusCountsTowardsTheThreshold() {
        HealthCheck h = ClusterPolicies.healthCheck(new TrafficPolicy.HealthCheck("/healthz", Duration.ofSeconds(5),
                Duration.ofSeconds(1), 3, 2, List.of(200, 201, 202, 204, 301)));
        assertThat(h.getHttpHealthCheck().getPath()).isEqualTo("/healthz");
        assertThat(h.getHttpHealthCheck().getExpectedStatusesList()).containsExactly(range(200, 203), range(204, 205), range(301, 302));
        assertThat(h.getHttpHealthCheck().getRetriableStatusesList()).containsExactly(range(100, 600));
        assertThat(h.getUnhealthyThreshold().getValue()).isEqualTo(3);
        assertThat(h.getHealthyThreshold().getValue()).isEqualTo(2);
    }

    @Test
    void byDefaultOnly200IsExpected() {
        HealthCheck h = ClusterPolicies.healthCheck(new TrafficPolicy.HealthCheck("/ready", Duration.ofSeconds(10),
                Duration.ofSeconds(1), 3, 1));
        assertThat(h.getHttpHealthCheck().getExpectedStatusesList()).containsExactly(range(200, 201));
    }
}
