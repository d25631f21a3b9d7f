package dev.trellis.controlplane.store;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Cuts multi-document YAML text at its "---" separator lines, keeping each document's text as written
 * (comments included), so one document of a file can be replaced or removed without touching the others.
 */
final class YamlSegments {
    private static final Pattern SEPARATOR = Pattern.compile("^---(\\s.*)?$");

    /** @param text the document's lines, without the separator; firstLine is 1-based within the file */
    record Segment(String text, int firstLine) {
        boolean blank() {
            for (String line : text.split("\n", -1)) {
                String t = line.strip();
                if (!t.isEmpty() && !t.startsWith("#")) {
                    return false;
                }
            }
            return true;
        }
    }

    private YamlSegments() {}

    static List<Segment> split(String content) {
        List<Segment> out = new ArrayList<>();
        List<String> lines = new ArrayList<>(List.of(content.split("\r?\n", -1)));
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1); // the newline that ends the file
        }
        StringBuilder current = new StringBuilder();
        int first = 1;
        for (int i = 0; i < lines.size(); i++) {
            if (SEPARATOR.matcher(lines.get(i)).matches()) {
                out.add(new Segment(current.toString(), first));
                current.setLength(0);
                first = i + 2;
            } else {
                current.append(lines.get(i)).append('\n');
            }
        }
        out.add(new Segment(current.toString(), first));
        return out;
    }

    /** Joins documents back into one file. */
    static String join(List<String> documents) {
        StringBuilder b = new StringBuilder();
        for (String d : documents) {
            if (b.length() > 0) {
                b.append("---\n");
            }
            b.append(d);
            if (!d.endsWith("\n")) {
                b.append('\n');
            }
        }
        return b.toString();
    }
}
