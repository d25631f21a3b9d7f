package dev.trellis.proxy.upstream;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpObject;

/** Receives what an upstream stream produces, on the event loop that owns both sides. */
public interface ResponseSink {

    /** A response part; ownership passes to the sink. */
    void onResponse(HttpObject msg);

    /** The upstream read a batch: a good moment to flush downstream. */
    void onResponseReadComplete();

    /** The upstream became writable again: resume reading the request. */
    void onUpstreamWritable();

    /** The upstream stream ended before the response did (reset, closed, failed). */
    void onUpstreamFailure(Channel upstream, Throwable cause);

    /** Raw bytes after an upgrade (101); ownership passes to the sink. */
    void onUpgradedBytes(Object msg);
}
