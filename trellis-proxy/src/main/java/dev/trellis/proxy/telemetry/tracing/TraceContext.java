package dev.trellis.proxy.telemetry.tracing;

import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The identity of one span as it crosses a hop: W3C trace context's fields, which B3 carries too.
 *
 * @param traceId    32 lower-case hex digits, not all zero
 * @param spanId     16 lower-case hex digits, not all zero
 * @param sampled    whether the trace is recorded
 * @param traceState the W3C tracestate passed along unchanged, or null
 */
public record TraceContext(String traceId, String spanId, boolean sampled, String traceState) {

    public TraceContext {
        if (!Hex.isId(traceId, 32)) {
            throw new IllegalArgumentException("traceId: " + traceId + " (expected: 32 lower-case hex digits, not all zero)");
        }
        if (!Hex.isId(spanId, 16)) {
            throw new IllegalArgumentException("spanId: " + spanId + " (expected: 16 lower-case hex digits, not all zero)");
        }
    }

    /** A child of this context: same trace, a new span id. */
    public TraceContext child(String childSpanId, boolean childSampled) {
        return new TraceContext(traceId, childSpanId, childSampled, traceState);
    }

    /** "00-{trace-id}-{span-id}-{01|00}". */
    public String traceparent() {
        return "00-" + traceId + "-" + spanId + (sampled ? "-01" : "-00");
    }

    public static String newTraceId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long hi = r.nextLong();
        long lo;
        do {
            lo = r.nextLong();
        } while (lo == 0);
        return Hex.of(hi) + Hex.of(lo);
    }

    public static String newSpanId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long id;
        do {
            id = r.nextLong();
        } while (id == 0);
        return Hex.of(id);
    }

    /** Hex digits of ids. */
    static final class Hex {
        private Hex() {
        }

        /** 16 lower-case hex digits. */
        static String of(long v) {
            String s = Long.toHexString(v);
            return "0".repeat(16 - s.length()) + s;
        }

        /** {@code length} lower-case hex digits, not all zero. */
        static boolean isId(String s, int length) {
            Objects.requireNonNull(s, "id");
            if (s.length() != length) {
                return false;
            }
            boolean nonZero = false;
            for (int i = 0; i < length; i++) {
                char c = s.charAt(i);
                if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                    return false;
                }
                nonZero |= c != '0';
            }
            return nonZero;
        }
    }
}
