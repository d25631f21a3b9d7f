package dev.trellis.config.load;

import dev.trellis.config.resource.HttpRoute;
import dev.trellis.config.yaml.Fields;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Reads one HTTPRouteMatch: path, headers, queryParams, method. */
final class RouteMatchReader {
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");
    static final Pattern HEADER_NAME = Pattern.compile("^[A-Za-z0-9!#$%&'*+\\-.^_`|~]+$");

    private RouteMatchReader() {}

    static HttpRoute.Match match(Fields f) {
        HttpRoute.PathMatch path = f.has("path") ? path(f.object("path", "type", "value")) : HttpRoute.Match.ANY.path();
        List<HttpRoute.HeaderMatch> headers = values(f, "headers", true);
        List<HttpRoute.HeaderMatch> query = values(f, "queryParams", false);
        String method = null;
        if (f.has("method")) {
            method = f.string("method");
            if (!METHODS.contains(method)) {
                throw f.invalid("method", "one of " + String.join(", ", METHODS.stream().sorted().toList()));
            }
        }
        return new HttpRoute.Match(path, headers, query, method);
    }

    private static HttpRoute.PathMatch path(Fields f) {
        HttpRoute.PathType type = HttpRoute.PathType.PATH_PREFIX;
        if (f.has("type")) {
            String text = f.string("type");
            type = null;
            for (HttpRoute.PathType t : HttpRoute.PathType.values()) {
                if (t.yamlName().equals(text)) {
                    type = t;
                }
            }
            if (type == null) {
                throw f.invalid("type", "Exact, PathPrefix or RegularExpression");
            }
        }
        String value = f.string("value", "/");
        if (type == HttpRoute.PathType.REGULAR_EXPRESSION) {
            compile(f, "value", value);
        } else {
            if (!value.startsWith("/")) {
                throw f.invalid("value", "a path starting with /");
            }
            if (value.contains("?") || value.contains("#") || value.contains("//")) {
                throw f.invalid("value", "a path without '?', '#' or '//'");
            }
        }
        return new HttpRoute.PathMatch(type, value);
    }

    /** A match's {@code headers}: names lower-cased, each once. */
    static List<HttpRoute.HeaderMatch> headers(Fields f) {
        return values(f, "headers", true);
    }

    private static List<HttpRoute.HeaderMatch> values(Fields f, String key, boolean header) {
        List<HttpRoute.HeaderMatch> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Fields.Item item : f.list(key)) {
            Fields m = item.object("type", "name", "value");
            HttpRoute.ValueType type = HttpRoute.ValueType.EXACT;
            if (m.has("type")) {
                String text = m.string("type");
                type = null;
                for (HttpRoute.ValueType t : HttpRoute.ValueType.values()) {
                    if (t.yamlName().equals(text)) {
                        type = t;
                    }
                }
                if (type == null) {
                    throw m.invalid("type", "Exact or RegularExpression");
                }
            }
            String name = m.string("name");
            if (header && !HEADER_NAME.matcher(name).matches()) {
                throw m.invalid("name", "an HTTP header name");
            }
            // header names are case-insensitive, query parameter names are not (Gateway API)
            if (!seen.add(header ? name.toLowerCase(Locale.ROOT) : name)) {
                throw m.error("name", name + " (expected: each name once per match)");
            }
            String value = m.text("value");
            if (type == HttpRoute.ValueType.REGULAR_EXPRESSION) {
                compile(m, "value", value);
            }
            out.add(new HttpRoute.HeaderMatch(type, header ? name.toLowerCase(Locale.ROOT) : name, value));
        }
        return out;
    }

    static void compile(Fields f, String key, String regex) {
        try {
            Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw f.error(key, "\"" + regex + "\" (expected: a regular expression; " + e.getDescription() + ")");
        }
    }
}
