package dev.trellis.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

class LongQueueTest {

    @Test
    void keepsOrderWhileGrowingAcrossTheWrapPoint() {
        LongQueue queue = new LongQueue(4);
        queue.add(1);
        queue.add(2);
        assertThat(queue.poll()).isEqualTo(1);
        for (long i = 3; i <= 20; i++) {
            queue.add(i);
        }

        assertThat(queue.size()).isEqualTo(19);
        for (long expected = 2; expected <= 20; expected++) {
            assertThat(queue.poll()).isEqualTo(expected);
        }
        assertThat(queue.isEmpty()).isTrue();
    }

    @Test
    void refusesToPollWhenEmpty() {
        LongQueue queue = new LongQueue(1);
        queue.add(7);
        queue.clear();

        assertThatThrownBy(queue::poll).isInstanceOf(NoSuchElementException.class);
    }

    @Test
    void rejectsNonPositiveCapacity() {
        assertThatThrownBy(() -> new LongQueue(0)).hasMessage("initialCapacity: 0 (expected: > 0)");
    }
}
