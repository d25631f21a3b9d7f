package dev.trellis.proxy.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
    @Test
    void doublesUpToTheMaximumAndStartsOverAfterAReset() {
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1000), () -> 1.0);
        assertThat(b.next()).isEqualTo(Duration.ofMillis(100));
        assertThat(b.next()).isEqualTo(Duration.ofMillis(200));
        assertThat(b.next()).isEqualTo(Duration.ofMillis(400));
        assertThat(b.next()).isEqualTo(Duration.ofMillis(800));
        assertThat(b.next()).isEqualTo(Duration.ofMillis(1000));
        assertThat(b.next()).isEqualTo(Duration.ofMillis(1000));
        b.reset();
        assertThat(b.next()).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void jitterDrawsBetweenHalfAndAllOfTheStep() {
        assertThat(new Backoff(Duration.ofMillis(100), Duration.ofMillis(1000), () -> 0.0).next()).isEqualTo(Duration.ofMillis(50));
        assertThat(new Backoff(Duration.ofMillis(100), Duration.ofMillis(1000), () -> 0.5).next()).isEqualTo(Duration.ofMillis(75));
    }

    @Test
    void rejectsAMaximumBelowTheBase() {
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), () -> 0.5))
                .hasMessage("backoff: base PT2S, max PT1S (expected: 0 < base <= max)");
    }
}
