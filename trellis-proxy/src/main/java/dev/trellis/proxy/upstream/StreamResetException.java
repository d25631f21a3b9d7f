package dev.trellis.proxy.upstream;

import io.netty.handler.codec.http2.Http2Error;

/** The upstream reset an HTTP/2 stream with an error code. */
public final class StreamResetException extends RuntimeException {
    private final long errorCode;

    public StreamResetException(long errorCode) {
        super("stream reset: " + describe(errorCode), null, false, false);
        this.errorCode = errorCode;
    }

    public boolean refused() {
        return errorCode == Http2Error.REFUSED_STREAM.code();
    }

    private static String describe(long code) {
        Http2Error e = Http2Error.valueOf(code);
        return e == null ? Long.toString(code) : e.name();
    }
}
