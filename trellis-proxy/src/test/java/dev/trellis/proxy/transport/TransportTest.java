package dev.trellis.proxy.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import org.junit.jupiter.api.Test;

class TransportTest {

    @Test
    void epollIsTheDefaultOnLinux() {
        assumeThat(Epoll.isAvailable()).isTrue();
        assertThat(Transport.startingFrom(null)).isEqualTo(Transport.EPOLL);
    }

    @Test
    void ioUringIsTakenOnlyWhenAskedFor() {
        assumeThat(IoUring.isAvailable()).isTrue();
        assertThat(Transport.startingFrom("io_uring")).isEqualTo(Transport.IO_URING);
    }

    @Test
    void nioCanBeForced() {
        assertThat(Transport.startingFrom("NIO")).isEqualTo(Transport.NIO);
    }

    @Test
    void anUnknownTransportIsAnErrorNotASilentFallBack() {
        assertThatThrownBy(() -> Transport.startingFrom("kqueue"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("kqueue")
                .hasMessageContaining("io_uring, epoll or nio");
    }
}
