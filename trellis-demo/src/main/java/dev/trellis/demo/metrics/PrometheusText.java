package dev.trellis.demo.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses the Prometheus text exposition format (version 0.0.4): {@code name{label="value",...} value [timestamp]}
 * lines; comments ({@code # HELP}, {@code # TYPE}) and blank lines are skipped.
 */
public final class PrometheusText {
    private final String line;
    private final int lineNumber;
    private int pos;

    private PrometheusText(String line, int lineNumber) {
        this.line = line;
        this.lineNumber = lineNumber;
    }

    /** @throws IllegalArgumentException naming the line and what was expected there */
    public static List<Sample> parse(String text) {
        List<Sample> samples = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (!line.isEmpty() && !line.startsWith("#")) {
                samples.add(new PrometheusText(line, i + 1).sample());
            }
        }
        return samples;
    }

    private Sample sample() {
        String name = name();
        Map<String, String> labels = new HashMap<>();
        if (peek() == '{') {
            pos++;
            labels(labels);
        }
        skipSpaces();
        int start = pos;
        while (pos < line.length() && !Character.isWhitespace(line.charAt(pos))) {
            pos++;
        }
        if (start == pos) {
            throw error("a value");
        }
        // anything after the value is an optional timestamp, which the demo does not need
        return new Sample(name, labels, number(line.substring(start, pos)));
    }

    private void labels(Map<String, String> labels) {
        while (true) {
            skipSpaces();
            if (peek() == '}') {
                pos++;
                return;
            }
            String name = name();
            skipSpaces();
            expect('=');
            skipSpaces();
            expect('"');
            labels.put(name, quoted());
            skipSpaces();
            if (peek() == ',') {
                pos++;
            } else if (peek() != '}') {
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
            if (c == '\\' && pos < line.length()) {
                char escaped = line.charAt(pos++);
                value.append(escaped == 'n' ? '\n' : escaped);
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
            boolean valid = Character.isLetter(c) || c == '_' || c == ':' || (pos > start && Character.isDigit(c));
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
                try {
                    return Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(
                            "line " + lineNumber + ": " + text + " (expected: a number)", e);
                }
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

    private void skipSpaces() {
        while (pos < line.length() && (line.charAt(pos) == ' ' || line.charAt(pos) == '\t')) {
            pos++;
        }
    }

    private IllegalArgumentException error(String expected) {
        String found = pos < line.length() ? "'" + line.charAt(pos) + "'" : "end of line";
        return new IllegalArgumentException("line " + lineNumber + ", column " + (pos + 1) + ": " + found
                + " (expected: " + expected + ") in: " + line);
    }
}
