package dev.trellis.proxy.filter.authz;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * The answer to a denied request: 403 with the reason, or for gRPC a trailers-only PERMISSION_DENIED (7).
 * Both carry {@code trellis-error: forbidden} and the reason in {@value #REASON_HEADER}.
 */
public final class AuthorizationDenials {
    public static final String REASON_HEADER = "trellis-authz-reason";
    /** The {@code trellis-error} cause of a denial. */
    public static final String CAUSE = "forbidden";
    static final int PERMISSION_DENIED = 7;

    private AuthorizationDenials() {}

    public static FullHttpResponse response(AuthzDecision denied, boolean grpc, ByteBufAllocator alloc) {
        String reason = denied.reason();
        if (grpc) {
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.EMPTY_BUFFER);
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/grpc")
                    .set("grpc-status", Integer.toString(PERMISSION_DENIED))
                    .set("grpc-message", "RBAC: access denied: " + ascii(reason))
                    .set("trellis-error", CAUSE)
                    .set(REASON_HEADER, ascii(reason))
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
            return r;
        }
        String body = "RBAC: access denied: " + reason + "\n";
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.FORBIDDEN,
                ByteBufUtil.writeUtf8(alloc, body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
                .set("trellis-error", CAUSE)
                .set(REASON_HEADER, ascii(reason))
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.getBytes(StandardCharsets.UTF_8).length);
        return r;
    }

    /** Policy names are DNS names; anything else is replaced, so the header stays valid. */
    private static String ascii(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7f && c != '%' ? c : '?');
        }
        return b.toString();
    }
}
