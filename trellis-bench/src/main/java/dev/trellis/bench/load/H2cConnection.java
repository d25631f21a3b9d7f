package dev.trellis.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.AbstractHttp2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2Stream;

/**
 * HTTP/2 client (cleartext, prior knowledge) for one connection: every request is a new stream, as many at
 * once as the peer's SETTINGS_MAX_CONCURRENT_STREAMS allows. A request is reported when its stream closes:
 * with the outcome its {@link ResponseCheck} read from the response headers (a 2xx, or for gRPC a 200 with
 * grpc-status 0) if the response ended the stream, failed if it was reset or the connection went away.
 */
final class H2cConnection extends Http2ConnectionHandler implements ClientConnection {
    private final RequestTemplate template;
    private final ExchangeListener listener;
    private final ResponseCheck check;
    private final Http2Headers headers;
    private final Http2Connection.PropertyKey startKey;
    private final Http2Connection.PropertyKey statusKey;
    private final Http2Connection.PropertyKey endedKey;
    private ChannelHandlerContext ctx;

    private H2cConnection(Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder, Http2Settings settings,
                          RequestTemplate template, ExchangeListener listener, ResponseCheck check) {
        super(decoder, encoder, settings);
        this.template = template;
        this.listener = listener;
        this.check = check;
        this.headers = template.http2Headers();
        this.startKey = connection().newKey();
        this.statusKey = connection().newKey();
        this.endedKey = connection().newKey();
        connection().addListener(new Http2ConnectionAdapter() {
            @Override
            public void onStreamClosed(Http2Stream stream) {
                Long start = stream.getProperty(startKey);
                if (start != null) {
                    listener.onResponse(start, outcome(stream));
                }
            }
        });
    }

    static H2cConnection create(RequestTemplate template, ExchangeListener listener, ResponseCheck check) {
        return new Builder(template, listener, check).build();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) throws Exception {
        this.ctx = context;
        super.handlerAdded(context);
    }

    @Override
    public boolean canSend() {
        return ctx.channel().isActive()
                && !connection().goAwayReceived()
                && connection().local().canOpenStream();
    }

    @Override
    public void send(long startNanos) {
        int streamId = connection().local().incrementAndGetNextStreamId();
        boolean endStream = !template.hasBody();
        encoder().writeHeaders(ctx, streamId, headers, 0, endStream, ctx.newPromise());
        Http2Stream stream = connection().stream(streamId);
        if (stream == null) {
            // The encoder refused the stream (the connection is closing): report it as failed right away.
            listener.onResponse(startNanos, Outcome.REFUSED);
            return;
        }
        stream.setProperty(startKey, startNanos);
        if (!endStream) {
            encoder().writeData(ctx, streamId, template.body(), 0, true, ctx.newPromise());
        }
    }

    @Override
    public void flush() {
        ctx.channel().flush();
    }

    @Override
    public void close() {
        ctx.close();
    }

    @Override
    public void channelActive(ChannelHandlerContext context) throws Exception {
        super.channelActive(context);
        listener.onReady(this);
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) throws Exception {
        super.channelInactive(context);
        listener.onClosed(this);
    }

    private final class Listener extends Http2FrameAdapter {
        @Override
        public void onHeadersRead(ChannelHandlerContext context, int streamId, Http2Headers responseHeaders,
                                  int streamDependency, short weight, boolean exclusive, int padding,
                                  boolean endOfStream) {
            // The decoder reports every HEADERS frame through this form, priority or not.
            onHeadersRead(context, streamId, responseHeaders, padding, endOfStream);
        }

        @Override
        public void onHeadersRead(ChannelHandlerContext context, int streamId, Http2Headers responseHeaders,
                                  int padding, boolean endOfStream) {
            Http2Stream stream = connection().stream(streamId);
            if (stream != null) {
                Integer outcome = check.onHeaders(stream.getProperty(statusKey), responseHeaders);
                if (outcome != null) {
                    stream.setProperty(statusKey, outcome);
                }
            }
            ended(streamId, endOfStream);
        }

        @Override
        public int onDataRead(ChannelHandlerContext context, int streamId, ByteBuf data, int padding,
                              boolean endOfStream) {
            ended(streamId, endOfStream);
            return data.readableBytes() + padding;
        }

        private void ended(int streamId, boolean endOfStream) {
            Http2Stream stream = connection().stream(streamId);
            if (endOfStream && stream != null) {
                stream.setProperty(endedKey, Boolean.TRUE);
            }
        }
    }

    /** The status if the response was read to its end; a stream reset after the headers is no success. */
    private int outcome(Http2Stream stream) {
        Integer status = stream.getProperty(statusKey);
        if (stream.getProperty(endedKey) == Boolean.TRUE) {
            return status != null ? status : Outcome.MALFORMED_RESPONSE;
        }
        return ctx.channel().isActive() ? Outcome.STREAM_RESET : Outcome.CONNECTION_LOST;
    }

    private static final class Builder extends AbstractHttp2ConnectionHandlerBuilder<H2cConnection, Builder> {
        private final RequestTemplate template;
        private final ExchangeListener listener;
        private final ResponseCheck check;

        Builder(RequestTemplate template, ExchangeListener listener, ResponseCheck check) {
            this.template = template;
            this.listener = listener;
            this.check = check;
            server(false);
        }

        @Override
        public H2cConnection build() {
            return super.build();
        }

        @Override
        protected H2cConnection build(Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder,
                                      Http2Settings initialSettings) {
            H2cConnection connection = new H2cConnection(decoder, encoder, initialSettings, template, listener,
                    check);
            frameListener(connection.new Listener());
            return connection;
        }
    }
}
