package dev.trellis.proxy.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http2.HttpConversionUtil.ExtensionHeaderNames;

/** Removes what belongs to one connection, not to the message (RFC 9110 §7.6.1). */
public final class HopByHop {
    /** Between two Trellis sidecars: the protocol the caller spoke, restored for the destination app. */
    static final String ORIG_PROTO = "trellis-orig-proto";
    /** values() copies its array on every call: once here, not per request. */
    private static final ExtensionHeaderNames[] EXTENSIONS = ExtensionHeaderNames.values();

    private HopByHop() {
    }

    public static void strip(HttpHeaders h, boolean keepUpgrade) {
        String connection = h.get(HttpHeaderNames.CONNECTION);
        if (connection != null) {
            // headers named by Connection are hop-by-hop too
            for (String name : connection.split(",")) {
                String n = name.trim();
                if (!n.isEmpty() && !(keepUpgrade && n.equalsIgnoreCase("upgrade"))) {
                    h.remove(n);
                }
            }
            if (!keepUpgrade) {
                h.remove(HttpHeaderNames.CONNECTION);
            }
        }
        h.remove(HttpHeaderNames.KEEP_ALIVE);
        h.remove(HttpHeaderNames.PROXY_CONNECTION);
        h.remove(HttpHeaderNames.PROXY_AUTHENTICATE);
        h.remove(HttpHeaderNames.PROXY_AUTHORIZATION);
        if (!keepUpgrade) {
            h.remove(HttpHeaderNames.UPGRADE);
        }
        String te = h.get(HttpHeaderNames.TE);
        if (te != null && !te.equalsIgnoreCase("trailers")) {
            h.remove(HttpHeaderNames.TE);
        }
    }

    /** Pseudo-header echoes that HTTP/2 conversion leaves in HTTP/1 form; never forwarded to an HTTP/1 peer. */
    public static void stripHttp2Extensions(HttpHeaders h) {
        for (ExtensionHeaderNames n : EXTENSIONS) {
            h.remove(n.text());
        }
    }
}
