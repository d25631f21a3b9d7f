package dev.trellis.bench.grpc;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.IoHandlerFactory;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.ServerChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The gRPC backend of the benchmark: a grpc-java server on 127.0.0.1 serving {@code trellis.bench.Echo/Call}.
 * One event loop accepts and serves, and calls run on it directly (no executor hop), so the backend costs as
 * little as the nginx one it stands in for.
 */
public final class GrpcBackend implements AutoCloseable {
    private static final long STOP_GRACE_SECONDS = 2;

    private final Server server;
    private final EventLoopGroup loop;

    private GrpcBackend(Server server, EventLoopGroup loop) {
        this.server = server;
        this.loop = loop;
    }

    /**
     * @param port          0 for any free port
     * @param responseBytes size of every answer's message
     * @param failEvery     every Nth call ends with UNAVAILABLE; 0 never
     */
    public static GrpcBackend start(int port, int responseBytes, int failEvery) throws IOException {
        EchoService echo = new EchoService(responseBytes, failEvery);
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> channelType = epoll ? EpollServerSocketChannel.class
                : NioServerSocketChannel.class;
        EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, io);
        try {
            Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
                    .channelType(channelType)
                    .bossEventLoopGroup(loop)
                    .workerEventLoopGroup(loop)
                    .directExecutor()
                    .addService(echo.definition())
                    .build()
                    .start();
            return new GrpcBackend(server, loop);
        } catch (IOException | RuntimeException e) {
            loop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
    }

    public int port() {
        return server.getPort();
    }

    /** Blocks until {@link #close()}, from any thread, has stopped the server. */
    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    /** Lets calls in flight finish for a moment, then stops the server and its event loop. */
    @Override
    public void close() {
        server.shutdown();
        try {
            if (!server.awaitTermination(STOP_GRACE_SECONDS, TimeUnit.SECONDS)) {
                server.shutdownNow().awaitTermination(STOP_GRACE_SECONDS, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        } finally {
            loop.shutdownGracefully(0, STOP_GRACE_SECONDS, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
