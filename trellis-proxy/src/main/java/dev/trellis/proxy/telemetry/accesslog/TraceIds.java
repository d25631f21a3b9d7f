package dev.trellis.proxy.telemetry.accesslog;

import io.netty.handler.codec.http.HttpHeaders;

/** Reads the trace id of W3C trace context (traceparent) or B3 (x-b3-traceid, or the single b3 header). */
final class TraceIds {
    private TraceIds() {
    }

    /** The trace id in lower-case hex, or null when the headers carry none (or a malformed one). */
    static String of(HttpHeaders headers) {
        String traceparent = headers.get("traceparent");
        if (traceparent != null) {
            // version "-" trace-id (32 hex) "-" parent-id "-" flags
            int a = traceparent.indexOf('-');
            int b = a < 0 ? -1 : traceparent.indexOf('-', a + 1);
            if (b - a - 1 == 32) {
                String id = hex(traceparent.substring(a + 1, b));
                if (id != null) {
                    return id;
                }
            }
        }
        String b3 = headers.get("x-b3-traceid");
        if (b3 != null) {
            String id = hex(b3.trim());
            if (id != null) {
                return id;
            }
        }
        String single = headers.get("b3");
        if (single != null) {
            int dash = single.indexOf('-');
            return dash < 0 ? null : hex(single.substring(0, dash).trim());
        }
        return null;
    }

    /** 16 or 32 hex digits, not all zero (an invalid id in both formats), lower-cased; else null. */
    private static String hex(String s) {
        if (s.length() != 16 && s.length() != 32) {
            return null;
        }
        boolean nonZero = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean digit = c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
            if (!digit) {
                return null;
            }
            nonZero |= c != '0';
        }
        return nonZero ? s.toLowerCase(java.util.Locale.ROOT) : null;
    }
}
