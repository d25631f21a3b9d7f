package dev.trellis.proxy.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TransportTest {
    private final String before = System.getProperty("trellis.transport");

    @AfterEach
    void restore() {
        if (before == null) {
            System.clearProperty("trellis.transport");
        } else {
            System.setProperty("trellis.transport", before);
        }
    }

    @Test
    void epollIsTheDefaultOnLinux() {
        assumeThat(Epoll.isAvailable()).isTrue();
        System.clearProperty("trellis.transport");
        assertThat(Transport.best()).isEqualTo(Transport.EPOLL);
    }

    @Test
    void ioUringIsTakenOnlyWhenAskedFor() {
        assumeThat(IoUring.isAvailable()).isTrue();
        System.setProperty("trellis.transport", "io_uring");
        assertThat(Transport.best()).isEqualTo(Transport.IO_URING);
    }

    @Test
    void nioCanBeForced() {
        System.setProperty("trellis.transport", "NIO");
        assertThat(Transport.best()).isEqualTo(Transport.NIO);
    }

    @Test
    void anUnknownTransportIsAnErrorNotASilentFallBack() {
        System.setProperty("trellis.transport", "kqueue");
        assertThatThrownBy(Transport::best)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("kqueue")
                .hasMessageContaining("io_uring, epoll or nio");
    }
}
