package dev.trellis.proxy.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RenewalPolicyTest {
    static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

    @Test
    void renewsAfterSeventyPercentOfTheRemainingLife() {
        assertThat(RenewalPolicy.delay(NOW, NOW.plus(Duration.ofHours(24)))).isEqualTo(Duration.ofMinutes(1008));
        assertThat(RenewalPolicy.delay(NOW, NOW.plusSeconds(20))).isEqualTo(Duration.ofSeconds(14));
    }

    @Test
    void neverSoonerThanASecondEvenWhenAlmostOrAlreadyExpired() {
        assertThat(RenewalPolicy.delay(NOW, NOW.plusMillis(500))).isEqualTo(Duration.ofSeconds(1));
        assertThat(RenewalPolicy.delay(NOW, NOW.minusSeconds(60))).isEqualTo(Duration.ofSeconds(1));
    }
}
