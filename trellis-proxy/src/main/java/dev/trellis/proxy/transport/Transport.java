package dev.trellis.proxy.transport;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import java.util.Locale;
import java.util.concurrent.ThreadFactory;
import java.util.function.Supplier;

/**
 * The socket transport: native epoll on Linux, NIO elsewhere, and io_uring when {@code -Dtrellis.transport=io_uring}
 * asks for it ({@code =nio} forces NIO). io_uring submits a whole event-loop pass of reads and writes in one system
 * call and takes about a tenth off a sidecar's CPU per request at saturation, but it is not the default: Netty's
 * io_uring loop can stall at shutdown (netty/netty#15582), and one test-suite run aborted in glibc at thread exit
 * with the heap corrupted ("unaligned tcache chunk"), which epoll has never done.
 */
public enum Transport {
    IO_URING(IoUringIoHandler::newFactory, IoUringServerSocketChannel.class, IoUringDatagramChannel.class,
            IoUringSocketChannel.class),
    EPOLL(EpollIoHandler::newFactory, EpollServerSocketChannel.class, EpollDatagramChannel.class,
            EpollSocketChannel.class),
    NIO(NioIoHandler::newFactory, NioServerSocketChannel.class, NioDatagramChannel.class, NioSocketChannel.class);

    private final Supplier<IoHandlerFactory> ioHandler;
    private final Class<? extends ServerSocketChannel> serverChannel;
    private final Class<? extends DatagramChannel> datagramChannel;
    private final Class<? extends SocketChannel> clientChannel;

    Transport(Supplier<IoHandlerFactory> ioHandler, Class<? extends ServerSocketChannel> serverChannel,
              Class<? extends DatagramChannel> datagramChannel, Class<? extends SocketChannel> clientChannel) {
        this.ioHandler = ioHandler;
        this.serverChannel = serverChannel;
        this.datagramChannel = datagramChannel;
        this.clientChannel = clientChannel;
    }

    /** The first transport this machine offers, starting from the one {@code -Dtrellis.transport} names. */
    public static Transport best() {
        return startingFrom(System.getProperty("trellis.transport"));
    }

    /** The first transport this machine offers, starting from {@code requested} ({@code null}: the default, epoll). */
    static Transport startingFrom(String requested) {
        String chosen = requested == null ? "epoll" : requested;
        Transport start;
        try {
            start = valueOf(chosen.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("-Dtrellis.transport=" + chosen + " (expected: io_uring, epoll or nio)");
        }
        if (start == IO_URING && IoUring.isAvailable()) {
            return IO_URING;
        }
        if (start != NIO && Epoll.isAvailable()) {
            return EPOLL;
        }
        return NIO;
    }

    public EventLoopGroup newGroup(int threads, ThreadFactory threadFactory) {
        return new MultiThreadIoEventLoopGroup(threads, threadFactory, ioHandler.get());
    }

    public Class<? extends ServerSocketChannel> serverChannel() {
        return serverChannel;
    }

    public Class<? extends DatagramChannel> datagramChannel() {
        return datagramChannel;
    }

    public Class<? extends SocketChannel> clientChannel() {
        return clientChannel;
    }
}
