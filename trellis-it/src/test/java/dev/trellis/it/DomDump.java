package dev.trellis.it;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The elements carrying a {@code data-testid} in a DOM serialized by Chromium ({@code --dump-dom}): their
 * attributes and the text right after their start tag. A small scanner, enough for the markup our pages make.
 */
final class DomDump {
    /** One element: tag, attributes (entities decoded) and the text up to the next tag. */
    record Element(String tag, Map<String, String> attributes, String text) {
        String attr(String name) {
            String value = attributes.get(name);
            if (value == null) {
                throw new AssertionError("<" + tag + " data-testid=\"" + attributes.get("data-testid") + "\">: no attribute "
                        + name + " in " + attributes);
            }
            return value;
        }

        boolean has(String name) {
            return attributes.containsKey(name);
        }

        double number(String name) {
            return Double.parseDouble(attr(name));
        }
    }

    private final Map<String, Element> byTestId;
    private final Element body;

    private DomDump(Map<String, Element> byTestId, Element body) {
        this.byTestId = byTestId;
        this.body = body;
    }

    static DomDump parse(String html) {
        Map<String, Element> byTestId = new LinkedHashMap<>();
        Element body = null;
        int at = 0;
        while ((at = html.indexOf('<', at)) >= 0) {
            if (at + 1 >= html.length() || !Character.isLetter(html.charAt(at + 1))) {
                at++;
                continue;
            }
            int nameEnd = at + 1;
            while (nameEnd < html.length() && (Character.isLetterOrDigit(html.charAt(nameEnd)) || html.charAt(nameEnd) == '-')) {
                nameEnd++;
            }
            String tag = html.substring(at + 1, nameEnd).toLowerCase(Locale.ROOT);
            Map<String, String> attributes = new LinkedHashMap<>();
            int i = nameEnd;
            while (i < html.length()) {
                while (i < html.length() && Character.isWhitespace(html.charAt(i))) {
                    i++;
                }
                if (i >= html.length() || html.charAt(i) == '>' || html.startsWith("/>", i)) {
                    break;
                }
                int n = i;
                while (n < html.length() && "= \t\n\r>/".indexOf(html.charAt(n)) < 0) {
                    n++;
                }
                String name = html.substring(i, n);
                if (name.isEmpty()) {
                    i++; // a stray "/" inside the tag
                    continue;
                }
                String value = "";
                i = n;
                if (i < html.length() && html.charAt(i) == '=') {
                    char quote = html.charAt(i + 1);
                    int end = html.indexOf(quote, i + 2);
                    value = decode(html.substring(i + 2, end));
                    i = end + 1;
                }
                attributes.put(name, value);
            }
            int close = html.indexOf('>', i);
            int next = html.indexOf('<', close);
            String text = decode(html.substring(close + 1, next < 0 ? html.length() : next)).trim();
            Element element = new Element(tag, attributes, text);
            if (attributes.containsKey("data-testid")) {
                byTestId.put(attributes.get("data-testid"), element);
            }
            if (tag.equals("body")) {
                body = element;
            }
            at = close + 1;
        }
        if (body == null) {
            throw new AssertionError("no <body> in:\n" + html);
        }
        return new DomDump(byTestId, body);
    }

    Element body() {
        return body;
    }

    Optional<Element> find(String testId) {
        return Optional.ofNullable(byTestId.get(testId));
    }

    Element get(String testId) {
        return find(testId).orElseThrow(() -> new AssertionError("no element with data-testid=\"" + testId
                + "\"; there are: " + byTestId.keySet()));
    }

    /** The elements whose data-testid starts with {@code prefix}, in document order. */
    List<Element> all(String prefix) {
        return byTestId.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).map(Map.Entry::getValue).toList();
    }

    private static String decode(String s) {
        if (s.indexOf('&') < 0) {
            return s;
        }
        return s.replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&nbsp;", "\u00a0")
                .replace("&#39;", "'").replace("&amp;", "&");
    }
}
