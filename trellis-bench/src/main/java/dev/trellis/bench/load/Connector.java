package dev.trellis.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpResponseDecoder;
import java.net.InetSocketAddress;

/** Opens one connection of the run's protocol on a given event loop and wires it to its listener. */
final class Connector {
    private final Class<? extends Channel> channelType;
    private final InetSocketAddress target;
    private final Protocol protocol;
    private final RequestTemplate template;

    Connector(Class<? extends Channel> channelType, InetSocketAddress target, Protocol protocol,
              RequestTemplate template) {
        this.channelType = channelType;
        this.target = target;
        this.protocol = protocol;
        this.template = template;
    }

    void connect(EventLoop loop, ExchangeListener listener) {
        ChannelFuture future = new Bootstrap()
                .group(loop)
                .channel(channelType)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 2_000)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        switch (protocol) {
                            case HTTP1:
                                channel.pipeline().addLast(new HttpResponseDecoder(),
                                        new Http1Connection(template, listener));
                                break;
                            case H2C:
                                channel.pipeline().addLast(
                                        H2cConnection.create(template, listener, ResponseCheck.HTTP_STATUS));
                                break;
                            case GRPC:
                                channel.pipeline().addLast(
                                        H2cConnection.create(template, listener, GrpcResponseCheck.INSTANCE));
                                break;
                            default:
                                throw new IllegalStateException("protocol: " + protocol);
                        }
                    }
                })
                .connect(target);
        future.addListener(f -> {
            if (!f.isSuccess()) {
                listener.onConnectFailed(f.cause());
            }
        });
    }
}
