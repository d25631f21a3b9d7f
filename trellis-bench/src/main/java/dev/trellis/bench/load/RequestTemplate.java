package dev.trellis.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The one request every run repeats (over gRPC, one call whose message is the body), encoded once: the generator writes unreleasable duplicates of the same
 * bytes, so its own cost per request stays a few pointer copies. {@link #close()} frees the bytes once the
 * connections are gone.
 */
final class RequestTemplate implements AutoCloseable {
    private final LoadSpec spec;
    private final ByteBuf http1Bytes;
    private final ByteBuf bodyBytes;
    private final ByteBuf http1;
    private final ByteBuf body;

    private RequestTemplate(LoadSpec spec, ByteBuf http1Bytes, ByteBuf bodyBytes) {
        this.spec = spec;
        this.http1Bytes = http1Bytes;
        this.bodyBytes = bodyBytes;
        this.http1 = Unpooled.unreleasableBuffer(http1Bytes);
        this.body = Unpooled.unreleasableBuffer(bodyBytes);
    }

    static RequestTemplate of(LoadSpec spec) {
        byte[] bodyBytes = new byte[spec.bodyBytes()];
        Arrays.fill(bodyBytes, (byte) 'x');
        StringBuilder head = new StringBuilder(128)
                .append(method(spec)).append(' ').append(spec.path()).append(" HTTP/1.1\r\n")
                .append("host: ").append(spec.authority()).append("\r\n");
        if (spec.bodyBytes() > 0) {
            head.append("content-type: application/octet-stream\r\n")
                    .append("content-length: ").append(spec.bodyBytes()).append("\r\n");
        }
        head.append("\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.US_ASCII);
        ByteBuf http1 = Unpooled.directBuffer(headBytes.length + bodyBytes.length)
                .writeBytes(headBytes).writeBytes(bodyBytes);
        byte[] payload = spec.protocol() == Protocol.GRPC ? GrpcMessages.lengthPrefixed(bodyBytes) : bodyBytes;
        ByteBuf body = Unpooled.directBuffer(payload.length).writeBytes(payload);
        return new RequestTemplate(spec, http1, body);
    }

    @Override
    public void close() {
        http1Bytes.release();
        bodyBytes.release();
    }

    /** The whole HTTP/1.1 request, head and body; release of the duplicate is a no-op. */
    ByteBuf http1() {
        return http1.duplicate();
    }

    /** Whether a DATA frame follows the headers: always for gRPC, whose message frame has a prefix. */
    boolean hasBody() {
        return spec.bodyBytes() > 0 || spec.protocol() == Protocol.GRPC;
    }

    ByteBuf body() {
        return body.duplicate();
    }

    /** Fresh headers for one HTTP/2 connection (they are not shared across event loops). */
    Http2Headers http2Headers() {
        if (spec.protocol() == Protocol.GRPC) {
            return GrpcMessages.requestHeaders(spec.path(), spec.authority());
        }
        Http2Headers headers = new DefaultHttp2Headers()
                .method(method(spec).asciiName())
                .path(spec.path())
                .scheme("http")
                .authority(spec.authority());
        if (spec.bodyBytes() > 0) {
            headers.set(HttpHeaderNames.CONTENT_TYPE, "application/octet-stream");
            headers.setInt(HttpHeaderNames.CONTENT_LENGTH, spec.bodyBytes());
        }
        return headers;
    }

    private static HttpMethod method(LoadSpec spec) {
        return spec.bodyBytes() > 0 ? HttpMethod.POST : HttpMethod.GET;
    }
}
