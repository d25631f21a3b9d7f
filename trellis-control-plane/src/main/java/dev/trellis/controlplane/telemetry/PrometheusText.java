package dev.trellis.controlplane.telemetry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict parser of the Prometheus text exposition format (0.0.4): {@code name{label="value",...} value
 * [timestamp]}. Comments ({@code # HELP}, {@code # TYPE}) and blank lines are skipped; anything else that
 * does not follow the grammar fails the whole scrape with its line and column, so a half-understood
 * scrape never turns into wrong numbers.
 */
public final class PrometheusText {
    private final String line;
    private final int lineNumber;
    private int pos;

    private PrometheusText(String line, int lineNumber) {
        this.line = line;
        this.lineNumber = lineNumber;
    }

    /** @throws IllegalArgumentException naming the line, the column and what was expected there */
    public static List<MetricSample> parse(String text) {
        List<MetricSample> samples = new ArrayList<>();
        int start = 0;
        int number = 1;
        while (start < text.length()) {
            int end = text.indexOf('\n', start);
            if (end < 0) {
                end = text.length();
            }
            String line = text.substring(start, end);
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            String stripped = line.strip();
            if (!stripped.isEmpty() && stripped.charAt(0) != '#') {
                samples.add(new PrometheusText(stripped, number).sample());
            }
            start = end + 1;
            number++;
        }
        return samples;
    }

    private MetricSample sample() {
        String name = name();
        Map<String, String> labels = new HashMap<>();
        if (peek() == '{') {
            pos++;
            labels(labels);
        }
        if (!spaces()) {
            throw error("a space before the value");
        }
        double value = number(token());
        if (spaces() && pos < line.length()) {
            String timestamp = token();
            try {
                Long.parseLong(timestamp);
            } catch (NumberFormatException e) {
                throw error("a timestamp in milliseconds");
            }
            spaces();
        }
        if (pos < line.length()) {
            throw error("the end of the line");
        }
        return new MetricSample(name, labels, value);
    }

    private void labels(Map<String, String> labels) {
        spaces();
        if (peek() == '}') {
            pos++;
            return;
        }
        while (true) {
            spaces();
            String name = name();
            spaces();
            expect('=');
            spaces();
            expect('"');
            if (labels.put(name, quoted()) != null) {
                throw error("each label once (" + name + " repeats)");
            }
            spaces();
            if (peek() == ',') {
                pos++;
                spaces();
                if (peek() == '}') { // a trailing comma is allowed
                    pos++;
                    return;
                }
            } else if (peek() == '}') {
                pos++;
                return;
            } else {
                throw error("',' or '}'");
            }
        }
    }

    private String quoted() {
        StringBuilder value = new StringBuilder();
        while (pos < line.length()) {
            char c = line.charAt(pos++);
            if (c == '"') {
                return value.toString();
            }
            if (c == '\\') {
                char escaped = peek();
                switch (escaped) {
                    case 'n' -> value.append('\n');
                    case '\\', '"' -> value.append(escaped);
                    default -> throw error("an escape: \\\\, \\\" or \\n");
                }
                pos++;
            } else {
                value.append(c);
            }
        }
        throw error("a closing '\"'");
    }

    private String name() {
        int start = pos;
        while (pos < line.length()) {
            char c = line.charAt(pos);
            boolean valid = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':'
                    || (pos > start && c >= '0' && c <= '9');
            if (!valid) {
                break;
            }
            pos++;
        }
        if (start == pos) {
            throw error("a name");
        }
        return line.substring(start, pos);
    }

    private String token() {
        int start = pos;
        while (pos < line.length() && line.charAt(pos) != ' ' && line.charAt(pos) != '\t') {
            pos++;
        }
        return line.substring(start, pos);
    }

    private double number(String text) {
        switch (text) {
            case "+Inf", "Inf" -> {
                return Double.POSITIVE_INFINITY;
            }
            case "-Inf" -> {
                return Double.NEGATIVE_INFINITY;
            }
            case "NaN" -> {
                return Double.NaN;
            }
            default -> {
                // Double.parseDouble also takes "0x1p3", "1d", " 1": refuse what Prometheus would
                if (text.isEmpty() || !text.matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?")) {
                    throw new IllegalArgumentException("line " + lineNumber + ": value " + (text.isEmpty() ? "missing" : text)
                            + " (expected: a number) in: " + line);
                }
                return Double.parseDouble(text);
            }
        }
    }

    private char peek() {
        return pos < line.length() ? line.charAt(pos) : '\0';
    }

    private void expect(char c) {
        if (peek() != c) {
            throw error("'" + c + "'");
        }
        pos++;
    }

    /** Skips spaces and tabs; true when there were some. */
    private boolean spaces() {
        int start = pos;
        while (pos < line.length() && (line.charAt(pos) == ' ' || line.charAt(pos) == '\t')) {
            pos++;
        }
        return pos > start;
    }

    private IllegalArgumentException error(String expected) {
        String found = pos < line.length() ? "'" + line.charAt(pos) + "'" : "end of line";
        return new IllegalArgumentException("line " + lineNumber + ", column " + (pos + 1) + ": " + found
                + " (expected: " + expected + ") in: " + line);
    }
}
