package dev.trellis.config.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GatewayDurationTest {
    @Test
    void parsesGatewayApiDurations() {
        assertThat(GatewayDuration.parse("2s")).isEqualTo(Duration.ofSeconds(2));
        assertThat(GatewayDuration.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(GatewayDuration.parse("1m")).isEqualTo(Duration.ofMinutes(1));
        assertThat(GatewayDuration.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(GatewayDuration.parse("1m1s500ms")).isEqualTo(Duration.ofMillis(61_500));
        assertThat(GatewayDuration.parse("0s")).isZero();
    }

    @Test
    void rejectsWhatGatewayApiRejects() {
        for (String bad : new String[] {"2", "1.5s", "-1s", "2 s", "1d", "123456s", "1h1h1h1h1h", "", "PT2S"}) {
            assertThatThrownBy(() -> GatewayDuration.parse(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("\"" + bad + "\" (expected: a duration like 2s, 500ms, 1m or 1h30m)");
        }
    }

    @Test
    void formatsShortest() {
        assertThat(GatewayDuration.format(Duration.ofMillis(90_500))).isEqualTo("1m30s500ms");
        assertThat(GatewayDuration.format(Duration.ofHours(2))).isEqualTo("2h");
        assertThat(GatewayDuration.format(Duration.ZERO)).isEqualTo("0s");
    }
}
