package dev.trellis.proxy.telemetry.accesslog;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;

/**
 * Writes one flat JSON object into a {@link StringBuilder}, fields in call order. Strings are escaped per RFC 8259
 * (and U+2028/U+2029, which some JavaScript readers treat as line ends), so a header value cannot break a line.
 */
public final class JsonLine {
    /** ISO-8601 in UTC with exactly three fractional digits: 2026-11-26T01:02:03.456Z. */
    private static final DateTimeFormatter TIMESTAMP = new DateTimeFormatterBuilder().appendInstant(3).toFormatter();
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final StringBuilder out;
    private boolean first = true;

    public JsonLine(StringBuilder out) {
        this.out = out;
        out.append('{');
    }

    public JsonLine string(String name, String value) {
        name(name);
        if (value == null) {
            out.append("null");
        } else {
            quote(out, value);
        }
        return this;
    }

    public JsonLine number(String name, long value) {
        name(name).append(value);
        return this;
    }

    /** An integer that may be absent (null). */
    public JsonLine number(String name, Integer value) {
        name(name).append(value == null ? "null" : value.toString());
        return this;
    }

    /** Nanoseconds as milliseconds with three decimals (1.234); negative means unknown (null). */
    public JsonLine millis(String name, long nanos) {
        name(name);
        if (nanos < 0) {
            out.append("null");
            return this;
        }
        long micros = nanos / 1000;
        long frac = micros % 1000;
        out.append(micros / 1000).append('.');
        if (frac < 100) {
            out.append(frac < 10 ? "00" : "0");
        }
        out.append(frac);
        return this;
    }

    public JsonLine timestamp(String name, long epochMillis) {
        name(name).append('"');
        TIMESTAMP.formatTo(Instant.ofEpochMilli(epochMillis), out);
        out.append('"');
        return this;
    }

    /** Closes the object and ends the line. */
    public StringBuilder endLine() {
        return out.append("}\n");
    }

    private StringBuilder name(String name) {
        if (!first) {
            out.append(',');
        }
        first = false;
        out.append('"').append(name).append("\":");
        return out;
    }

    static void quote(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': out.append("\\\""); break;
                case '\\': out.append("\\\\"); break;
                case '\n': out.append("\\n"); break;
                case '\r': out.append("\\r"); break;
                case '\t': out.append("\\t"); break;
                default:
                    if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029' || Character.isSurrogate(c) && !pairedAt(s, i)) {
                        out.append("\\u").append(HEX[c >> 12 & 0xf]).append(HEX[c >> 8 & 0xf])
                                .append(HEX[c >> 4 & 0xf]).append(HEX[c & 0xf]);
                    } else {
                        out.append(c);
                    }
            }
        }
        out.append('"');
    }

    /** Whether the surrogate at {@code i} is half of a valid pair (which UTF-8 can encode as is). */
    private static boolean pairedAt(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
}
