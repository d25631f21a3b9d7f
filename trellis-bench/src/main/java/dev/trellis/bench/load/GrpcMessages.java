package dev.trellis.bench.load;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import java.nio.ByteBuffer;

/** The request side of a unary gRPC call on the wire: its headers and its one length-prefixed message. */
final class GrpcMessages {
    private static final byte UNCOMPRESSED = 0;

    private GrpcMessages() {
    }

    /** The gRPC framing of one message: a compressed flag of 0, a 4-byte big-endian length, the bytes. */
    static byte[] lengthPrefixed(byte[] message) {
        return ByteBuffer.allocate(5 + message.length)
                .put(UNCOMPRESSED)
                .putInt(message.length)
                .put(message)
                .array();
    }

    /** @param path the method, {@code /package.Service/Method} */
    static Http2Headers requestHeaders(String path, String authority) {
        return new DefaultHttp2Headers()
                .method(HttpMethod.POST.asciiName())
                .path(path)
                .scheme("http")
                .authority(authority)
                .set("content-type", "application/grpc")
                .set("te", "trailers");
    }
}
