package dev.trellis.proxy.http;

import dev.trellis.proxy.upstream.ProxyError;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.buffer.Unpooled;

/** Responses the proxy writes itself; gRPC callers get a trailers-only response with a gRPC status. */
final class ErrorResponses {
    private ErrorResponses() {
    }

    static boolean isGrpc(HttpHeaders requestHeaders) {
        String ct = requestHeaders.get(HttpHeaderNames.CONTENT_TYPE);
        return ct != null && ct.startsWith("application/grpc");
    }

    static FullHttpResponse of(ProxyError error, String detail, boolean grpc, ByteBufAllocator alloc) {
        if (grpc) {
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.EMPTY_BUFFER);
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/grpc")
                    .set("grpc-status", Integer.toString(error.grpcStatus()))
                    .set("grpc-message", percentEncode(error.code() + ": " + detail))
                    .set(ProxyError.HEADER, error.code())
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
            return r;
        }
        byte[] body = (error.code() + ": " + detail + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(error.status()),
                ByteBufUtil.writeUtf8(alloc, new String(body, java.nio.charset.StandardCharsets.UTF_8)));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
                .set(ProxyError.HEADER, error.code())
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return r;
    }

    /** grpc-message is percent-encoded (gRPC HTTP/2 spec). */
    private static String percentEncode(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (byte c : s.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            if (c >= 0x20 && c < 0x7f && c != '%') {
                b.append((char) c);
            } else {
                b.append('%').append(String.format("%02X", c & 0xff));
            }
        }
        return b.toString();
    }
}
