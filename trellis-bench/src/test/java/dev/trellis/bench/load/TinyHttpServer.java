package dev.trellis.bench.load;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small loopback HTTP server for the generator's tests, on two ephemeral ports: HTTP/1.1 and h2c (prior
 * knowledge). Paths: any path answers 200 with 1 KiB; {@code /fail} answers 500; {@code /close} (HTTP/1.1)
 * answers 200 and closes the connection.
 */
final class TinyHttpServer implements AutoCloseable {
    private static final byte[] BODY = new byte[1024];

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final AtomicLong requests = new AtomicLong();
    private final AtomicInteger maxConcurrentStreams = new AtomicInteger();
    private final Channel http1;
    private final Channel h2c;

    TinyHttpServer() throws InterruptedException {
        http1 = bind(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
                channel.pipeline().addLast(new HttpServerCodec(), new Http1Responder());
            }
        });
        h2c = bind(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
                Http2FrameCodec codec = Http2FrameCodecBuilder.forServer().build();
                channel.pipeline().addLast(codec, new H2Responder(codec));
            }
        });
    }

    int http1Port() {
        return ((InetSocketAddress) http1.localAddress()).getPort();
    }

    int h2cPort() {
        return ((InetSocketAddress) h2c.localAddress()).getPort();
    }

    /** Requests answered so far. */
    long requests() {
        return requests.get();
    }

    /** The most h2c streams one connection had open at once. */
    int maxConcurrentStreams() {
        return maxConcurrentStreams.get();
    }

    @Override
    public void close() {
        http1.close().syncUninterruptibly();
        h2c.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    private Channel bind(ChannelInitializer<Channel> initializer) throws InterruptedException {
        return new ServerBootstrap().group(group).channel(NioServerSocketChannel.class).childHandler(initializer)
                .bind("127.0.0.1", 0).sync().channel();
    }

    private final class Http1Responder extends ChannelInboundHandlerAdapter {
        private String path = "/";

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof HttpRequest) {
                    path = ((HttpRequest) msg).uri();
                }
                if (msg instanceof LastHttpContent) {
                    requests.incrementAndGet();
                    boolean fail = path.equals("/fail");
                    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                            fail ? HttpResponseStatus.INTERNAL_SERVER_ERROR : HttpResponseStatus.OK,
                            Unpooled.wrappedBuffer(BODY));
                    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, BODY.length);
                    if (path.equals("/close")) {
                        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
                    } else {
                        ctx.writeAndFlush(response);
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }
    }

    private final class H2Responder extends ChannelInboundHandlerAdapter {
        private final Http2FrameCodec codec;

        H2Responder(Http2FrameCodec codec) {
            this.codec = codec;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            maxConcurrentStreams.accumulateAndGet(codec.connection().numActiveStreams(), Math::max);
            try {
                if (msg instanceof Http2HeadersFrame) {
                    Http2HeadersFrame headers = (Http2HeadersFrame) msg;
                    if (headers.isEndStream()) {
                        respond(ctx, headers.stream(), headers.headers().path().toString());
                    } else {
                        ctx.channel().attr(PathKey.KEY).set(headers.headers().path().toString());
                    }
                } else if (msg instanceof Http2DataFrame) {
                    Http2DataFrame data = (Http2DataFrame) msg;
                    // Frame codec users return connection flow-control credit themselves.
                    ctx.write(new DefaultHttp2WindowUpdateFrame(data.initialFlowControlledBytes())
                            .stream(data.stream()));
                    if (data.isEndStream()) {
                        String path = ctx.channel().attr(PathKey.KEY).get();
                        respond(ctx, data.stream(), path == null ? "/" : path);
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void respond(ChannelHandlerContext ctx, Http2FrameStream stream, String path) {
            requests.incrementAndGet();
            String status = path.equals("/fail") ? "500" : "200";
            ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status(status)).stream(stream));
            ByteBuf body = Unpooled.wrappedBuffer(BODY);
            ctx.writeAndFlush(new DefaultHttp2DataFrame(body, true).stream(stream));
        }
    }

    /** Every stream of one connection asks for the same path in these tests, so one slot per connection does. */
    private static final class PathKey {
        static final io.netty.util.AttributeKey<String> KEY = io.netty.util.AttributeKey.valueOf("tiny.path");
    }
}
