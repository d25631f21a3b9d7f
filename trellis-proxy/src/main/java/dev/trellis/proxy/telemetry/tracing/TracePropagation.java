package dev.trellis.proxy.telemetry.tracing;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import java.util.Locale;

/**
 * Reads and writes trace context headers: W3C trace context ({@code traceparent}, {@code tracestate}) first, then
 * B3 in its multi-header form ({@code x-b3-traceid}, {@code x-b3-spanid}, {@code x-b3-sampled}, {@code x-b3-flags})
 * and its single-header form ({@code b3}). A malformed header is ignored, as if it were absent; nothing here throws
 * on what a caller sends.
 */
public final class TracePropagation {
    public static final String TRACEPARENT = "traceparent";
    public static final String TRACESTATE = "tracestate";
    public static final String B3 = "b3";
    public static final String B3_TRACE_ID = "x-b3-traceid";
    public static final String B3_SPAN_ID = "x-b3-spanid";
    public static final String B3_PARENT_SPAN_ID = "x-b3-parentspanid";
    public static final String B3_SAMPLED = "x-b3-sampled";
    public static final String B3_FLAGS = "x-b3-flags";
    /** The W3C limit a vendor may truncate at; a longer tracestate is dropped rather than cut. */
    static final int MAX_TRACESTATE = 512;

    private TracePropagation() {
    }

    /**
     * What a request carried.
     *
     * @param parent   the caller's span, or null to start a new trace
     * @param decision the caller's sampling decision, or null when it left it to this proxy
     * @param b3Multi  the request came with B3 multi headers: they go upstream too
     * @param b3Single the request came with a b3 header: it goes upstream too
     */
    public record Extracted(TraceContext parent, Boolean decision, boolean b3Multi, boolean b3Single) {
        public static final Extracted NONE = new Extracted(null, null, false, false);
    }

    public static Extracted extract(HttpHeaders h) {
        boolean b3Multi = h.contains(B3_TRACE_ID) || h.contains(B3_SAMPLED) || h.contains(B3_FLAGS);
        boolean b3Single = h.contains(B3);
        TraceContext w3c = w3c(h);
        if (w3c != null) {
            return new Extracted(w3c, w3c.sampled(), b3Multi, b3Single);
        }
        if (b3Multi) {
            Boolean decision = "1".equals(trim(h.get(B3_FLAGS))) ? Boolean.TRUE : sampled(trim(h.get(B3_SAMPLED)));
            String traceId = traceId(trim(h.get(B3_TRACE_ID)));
            String spanId = lowerHex(trim(h.get(B3_SPAN_ID)), 16);
            if (traceId != null && spanId != null) {
                return new Extracted(new TraceContext(traceId, spanId, Boolean.TRUE.equals(decision), null), decision, true, b3Single);
            }
            if (decision != null) {
                return new Extracted(null, decision, true, b3Single);
            }
        }
        if (b3Single) {
            Extracted single = b3Single(trim(h.get(B3)), b3Multi);
            if (single != null) {
                return single;
            }
        }
        return b3Multi || b3Single ? new Extracted(null, null, b3Multi, b3Single) : Extracted.NONE;
    }

    /**
     * Sets the headers that make {@code span} the parent of the upstream request: traceparent (and tracestate), and
     * the B3 forms the request came with.
     *
     * @param parentSpanId the span's own parent, for x-b3-parentspanid; null for a root span
     */
    public static void inject(HttpHeaders h, TraceContext span, String parentSpanId, Extracted how) {
        h.set(TRACEPARENT, span.traceparent());
        if (span.traceState() != null) {
            h.set(TRACESTATE, span.traceState());
        } else {
            h.remove(TRACESTATE);
        }
        String sampled = span.sampled() ? "1" : "0";
        if (how.b3Multi()) {
            h.set(B3_TRACE_ID, span.traceId());
            h.set(B3_SPAN_ID, span.spanId());
            h.set(B3_SAMPLED, sampled);
            if (parentSpanId != null) {
                h.set(B3_PARENT_SPAN_ID, parentSpanId);
            } else {
                h.remove(B3_PARENT_SPAN_ID);
            }
        }
        if (how.b3Single()) {
            h.set(B3, span.traceId() + "-" + span.spanId() + "-" + sampled + (parentSpanId != null ? "-" + parentSpanId : ""));
        }
    }

    /** version "-" trace-id "-" parent-id "-" flags; a future version may append "-" fields, which are ignored. */
    private static TraceContext w3c(HttpHeaders h) {
        List<String> all = h.getAll(TRACEPARENT);
        if (all.size() != 1) {
            return null; // none, or ambiguous
        }
        String v = all.get(0).trim();
        if (v.length() < 55 || v.charAt(2) != '-' || v.charAt(35) != '-' || v.charAt(52) != '-') {
            return null;
        }
        String version = v.substring(0, 2);
        if (!isLowerHex(version) || version.equals("ff") || (version.equals("00") && v.length() != 55)
                || (v.length() > 55 && v.charAt(55) != '-')) {
            return null;
        }
        String traceId = v.substring(3, 35);
        String spanId = v.substring(36, 52);
        String flags = v.substring(53, 55);
        if (!TraceContext.Hex.isId(traceId, 32) || !TraceContext.Hex.isId(spanId, 16) || !isLowerHex(flags)) {
            return null;
        }
        boolean sampled = (Integer.parseInt(flags, 16) & 1) == 1;
        return new TraceContext(traceId, spanId, sampled, traceState(h));
    }

    private static String traceState(HttpHeaders h) {
        List<String> all = h.getAll(TRACESTATE);
        if (all.isEmpty()) {
            return null;
        }
        String joined = String.join(",", all).trim();
        return joined.isEmpty() || joined.length() > MAX_TRACESTATE ? null : joined;
    }

    /** {traceid}-{spanid}[-{sampled}[-{parentspanid}]], or only the sampling state: 0, 1 or d. */
    private static Extracted b3Single(String v, boolean b3Multi) {
        if (v == null || v.isEmpty()) {
            return null;
        }
        String[] parts = v.split("-", -1);
        if (parts.length == 1) {
            Boolean decision = singleSampled(parts[0]);
            return decision == null ? null : new Extracted(null, decision, b3Multi, true);
        }
        if (parts.length > 4) {
            return null;
        }
        String traceId = traceId(parts[0]);
        String spanId = lowerHex(parts[1], 16);
        Boolean decision = parts.length >= 3 ? singleSampled(parts[2]) : null;
        if (traceId == null || spanId == null || (parts.length >= 3 && decision == null)
                || (parts.length == 4 && lowerHex(parts[3], 16) == null)) {
            return null;
        }
        return new Extracted(new TraceContext(traceId, spanId, Boolean.TRUE.equals(decision), null), decision, b3Multi, true);
    }

    private static Boolean singleSampled(String s) {
        return switch (s) {
            case "1", "d" -> Boolean.TRUE;
            case "0" -> Boolean.FALSE;
            default -> null;
        };
    }

    private static Boolean sampled(String s) {
        if (s == null) {
            return null;
        }
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "1", "true", "d" -> Boolean.TRUE;
            case "0", "false" -> Boolean.FALSE;
            default -> null;
        };
    }

    /** A B3 trace id: 32 hex digits, or 16 (64-bit) left-padded to 32. */
    private static String traceId(String s) {
        if (s != null && s.length() == 16) {
            String id = lowerHex(s, 16);
            return id == null ? null : "0000000000000000" + id;
        }
        return lowerHex(s, 32);
    }

    /** Hex digits of the given length, not all zero, lower-cased; else null. */
    private static String lowerHex(String s, int length) {
        if (s == null || s.length() != length) {
            return null;
        }
        String lower = s.toLowerCase(Locale.ROOT);
        return TraceContext.Hex.isId(lower, length) ? lower : null;
    }

    private static boolean isLowerHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    private static String trim(String s) {
        return s == null ? null : s.trim();
    }
}
