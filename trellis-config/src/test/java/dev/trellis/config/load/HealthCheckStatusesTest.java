package dev.trellis.config.load;

import static dev.trellis.config.load.DestinationPolicyKindTest.MINIMAL;
import static dev.trellis.config.load.DestinationPolicyKindTest.failure;
import static dev.trellis.config.load.DestinationPolicyKindTest.policy;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.config.resource.TrafficPolicy.HealthCheck;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A DestinationPolicy's healthCheck.expectedStatuses: Envoy's 200 by default, any statuses when listed. */
class HealthCheckStatusesTest {
    @Test
    void defaultsTo200() {
        assertThat(policy(MINIMAL + "  healthCheck: {path: /ready}\n").healthCheck().expectedStatuses()).containsExactly(200);
    }

    @Test
    void listedStatusesAreKeptInOrder() {
        assertThat(policy(MINIMAL + "  healthCheck: {path: /ready, expectedStatuses: [204, 200, 201]}\n").healthCheck())
                .isEqualTo(new HealthCheck("/ready", Duration.ofSeconds(10), Duration.ofSeconds(1), 3, 1, List.of(200, 201, 204)));
    }

    @Test
    void badStatusesNameTheirLine() {
        assertThat(failure(MINIMAL + "  healthCheck: {path: /ready, expectedStatuses: [200, 99]}\n"))
                .isEqualTo("policy.yaml:21: spec.healthCheck.expectedStatuses[1]: 99 (expected: an HTTP status 100..599)");
        assertThat(failure(MINIMAL + "  healthCheck: {path: /ready, expectedStatuses: [200, 200]}\n"))
                .isEqualTo("policy.yaml:21: spec.healthCheck.expectedStatuses[1]: 200 (expected: each status once)");
        assertThat(failure(MINIMAL + "  healthCheck: {path: /ready, expectedStatuses: []}\n"))
                .isEqualTo("policy.yaml:21: spec.healthCheck.expectedStatuses: [] (expected: at least one status)");
        assertThat(failure(MINIMAL + "  healthCheck: {path: /ready, expectedStatus: [200]}\n"))
                .startsWith("policy.yaml:21: spec.healthCheck.expectedStatus: unknown field");
    }
}
