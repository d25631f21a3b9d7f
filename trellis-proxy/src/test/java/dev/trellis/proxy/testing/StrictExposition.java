package dev.trellis.proxy.testing;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text format (0.0.4) for tests: every line must follow the grammar, a
 * family's # HELP and # TYPE come once, before its samples, which are contiguous; no series appears twice;
 * histogram buckets carry le, grow with it and end at +Inf equal to _count. On top of the format, every
 * family with samples must have both # HELP and # TYPE. Any violation fails with the line and the reason.
 */
public final class StrictExposition {
    private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
    private static final String LABEL = "[a-zA-Z_][a-zA-Z0-9_]*";
    private static final String VALUE = "[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[+-]Inf|NaN";
    private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") ((?:[^\\\\\\n]|\\\\[\\\\n])*)");
    private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");
    private static final Pattern SAMPLE = Pattern.compile("(" + NAME + ")(?:\\{(.*)\\})? (" + VALUE + ")(?: (-?[0-9]+))?");
    private static final Pattern PAIR = Pattern.compile("(" + LABEL + ")=\"((?:[^\"\\\\\\n]|\\\\[\\\\\"n])*)\"");

    /** @param labels sorted by name */
    public record Series(String name, Map<String, String> labels) {
        public String label(String key) {
            return labels.get(key);
        }
    }

    public record Family(String name, String type, String help) {}

    private final Map<String, Family> families;
    private final Map<Series, Double> samples;

    private StrictExposition(Map<String, Family> families, Map<Series, Double> samples) {
        this.families = families;
        this.samples = samples;
    }

    /** @throws AssertionError naming the line and what is wrong with it */
    public static StrictExposition parse(String text) {
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new AssertionError("the exposition must end with a line feed");
        }
        Map<String, String> help = new HashMap<>();
        Map<String, String> type = new HashMap<>();
        Set<String> finished = new HashSet<>();
        Map<Series, Double> samples = new LinkedHashMap<>();
        Map<Map<String, String>, Double> lastBucket = new HashMap<>();
        String current = null;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length - 1; i++) {
            String line = lines[i];
            String where = "line " + (i + 1) + " \"" + line + "\": ";
            String family;
            if (line.startsWith("# HELP ")) {
                Matcher m = match(HELP, line, where);
                family = m.group(1);
                require(help.put(family, m.group(2)) == null, where + "a second # HELP for " + family);
            } else if (line.startsWith("# TYPE ")) {
                Matcher m = match(TYPE, line, where);
                family = m.group(1);
                require(type.put(family, m.group(2)) == null, where + "a second # TYPE for " + family);
                require(!samples.keySet().stream().anyMatch(s -> familyOf(s.name(), type).equals(m.group(1))),
                        where + "# TYPE after samples of " + family);
            } else if (line.startsWith("#")) {
                continue;
            } else {
                Matcher m = match(SAMPLE, line, where);
                String name = m.group(1);
                Map<String, String> labels = labels(m.group(2), where);
                family = familyOf(name, type);
                double value = number(m.group(3));
                if ("histogram".equals(type.get(family))) {
                    histogram(family, name, labels, value, lastBucket, samples, where);
                }
                require(samples.put(new Series(name, labels), value) == null, where + "a duplicate series");
            }
            if (!family.equals(current)) {
                require(!finished.contains(family), where + family + " is not contiguous (it appeared before another family)");
                if (current != null) {
                    finished.add(current);
                }
                current = family;
            }
        }
        Map<String, Family> families = new TreeMap<>();
        for (Series s : samples.keySet()) {
            String f = familyOf(s.name(), type);
            require(help.containsKey(f), "family " + f + " has samples but no # HELP");
            require(type.containsKey(f), "family " + f + " has samples but no # TYPE");
            families.put(f, new Family(f, type.get(f), help.get(f)));
        }
        return new StrictExposition(families, samples);
    }

    private static void histogram(String family, String name, Map<String, String> labels, double value,
                                  Map<Map<String, String>, Double> lastBucket, Map<Series, Double> samples, String where) {
        if (name.equals(family + "_bucket")) {
            String le = labels.get("le");
            require(le != null, where + "a histogram bucket without le");
            Map<String, String> rest = new TreeMap<>(labels);
            rest.remove("le");
            Double before = lastBucket.put(rest, value);
            require(before == null || value >= before, where + "a bucket smaller than the one before");
        } else if (name.equals(family + "_count")) {
            Double inf = samples.get(new Series(family + "_bucket", with(labels, "le", "+Inf")));
            require(inf != null && inf == value, where + "_count differs from the +Inf bucket (" + inf + ")");
        } else {
            require(name.equals(family + "_sum"), where + "not a histogram series of " + family);
        }
    }

    private static Map<String, String> with(Map<String, String> labels, String k, String v) {
        Map<String, String> out = new TreeMap<>(labels);
        out.put(k, v);
        return out;
    }

    /** A histogram's _bucket/_sum/_count samples belong to the family named by its # TYPE. */
    private static String familyOf(String name, Map<String, String> type) {
        for (String suffix : List.of("_bucket", "_sum", "_count")) {
            if (name.endsWith(suffix)) {
                String base = name.substring(0, name.length() - suffix.length());
                if ("histogram".equals(type.get(base)) || "summary".equals(type.get(base))) {
                    return base;
                }
            }
        }
        return name;
    }

    private static Map<String, String> labels(String body, String where) {
        Map<String, String> out = new TreeMap<>();
        if (body == null || body.isEmpty()) {
            return out;
        }
        Matcher m = PAIR.matcher(body);
        int pos = 0;
        while (true) {
            require(m.find(pos) && m.start() == pos, where + "a label name=\"value\" at column " + pos + " of the labels");
            require(out.put(m.group(1), unescape(m.group(2))) == null, where + "label " + m.group(1) + " twice");
            pos = m.end();
            if (pos == body.length()) {
                return out;
            }
            require(body.charAt(pos) == ',', where + "a comma between labels");
            pos++;
        }
    }

    private static String unescape(String v) {
        return v.replace("\\n", "\n").replace("\\\"", "\"").replace("\\\\", "\\");
    }

    private static double number(String v) {
        return switch (v) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(v);
        };
    }

    private static Matcher match(Pattern p, String line, String where) {
        Matcher m = p.matcher(line);
        require(m.matches(), where + "does not follow " + p.pattern());
        return m;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new AssertionError(message);
        }
    }

    /** Families that have samples, by name. */
    public Map<String, Family> families() {
        return families;
    }

    public Map<Series, Double> samples() {
        return samples;
    }

    /** The series of {@code name} whose labels include all of {@code match}. */
    public Map<Series, Double> find(String name, Map<String, String> match) {
        Map<Series, Double> out = new LinkedHashMap<>();
        samples.forEach((s, v) -> {
            if (s.name().equals(name) && s.labels().entrySet().containsAll(match.entrySet())) {
                out.put(s, v);
            }
        });
        return out;
    }

    /** The sum of the series of {@code name} whose labels include all of {@code match}. */
    public double sum(String name, Map<String, String> match) {
        return find(name, match).values().stream().mapToDouble(Double::doubleValue).sum();
    }
}
