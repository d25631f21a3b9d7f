package dev.trellis.config.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.trellis.config.ConfigException;
import dev.trellis.config.ConfigLoader;
import dev.trellis.config.resource.Service;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ServiceDnsRefreshTest {
    private static Service load(String spec) {
        return ConfigLoader.standard().parse("mesh.yaml", """
                apiVersion: trellis.dev/v1alpha1
                kind: Service
                metadata: {name: payments}
                spec: %s
                """.formatted(spec)).services().get(0);
    }

    private static String failure(String spec) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> load(spec));
        assertThat(e).as("expected the Service to be rejected").isNotNull();
        return e.getMessage();
    }

    @Test
    void defaultsToThirtySeconds() {
        assertThat(load("{port: 443, endpoints: [{address: \"pay.example.com:443\"}]}").dnsRefresh())
                .isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void readsAGatewayDuration() {
        assertThat(load("{port: 443, dnsRefresh: 5s}").dnsRefresh()).isEqualTo(Duration.ofSeconds(5));
        assertThat(load("{port: 443, dnsRefresh: 250ms}").dnsRefresh()).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void rejectsZeroAndNonsense() {
        assertThat(failure("{port: 443, dnsRefresh: 0s}")).contains("mesh.yaml:4").contains("spec.dnsRefresh: 0s (expected: > 0)");
        assertThat(failure("{port: 443, dnsRefresh: soon}")).contains("spec.dnsRefresh");
    }

    @Test
    void unknownFieldsStillNameEveryKnownOne() {
        assertThat(failure("{port: 443, dnsRefrsh: 5s}"))
                .contains("spec.dnsRefrsh: unknown field")
                .contains("dnsRefresh");
    }
}
