package dev.trellis.config.load;

import dev.trellis.config.resource.HeaderModifier;
import dev.trellis.config.yaml.Fields;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads an HTTPRoute rule's Gateway API {@code filters}: RequestHeaderModifier and ResponseHeaderModifier, each at
 * most once. The other filter types are refused by name: their work is done elsewhere in Trellis or not at all.
 */
final class RouteFilterReader {
    static final String REQUEST = "RequestHeaderModifier";
    static final String RESPONSE = "ResponseHeaderModifier";
    private static final Set<String> UNSUPPORTED = Set.of("RequestRedirect", "URLRewrite", "RequestMirror", "ExtensionRef", "CORS",
            "ExternalAuth");

    /** The request and response modifiers of a rule; {@link HeaderModifier#NONE} for one it lacks. */
    record Filters(HeaderModifier request, HeaderModifier response) {
        static final Filters NONE = new Filters(HeaderModifier.NONE, HeaderModifier.NONE);
    }

    private RouteFilterReader() {}

    /** @param rule the rule, which has {@code filters} */
    static Filters read(Fields rule) {
        HeaderModifier request = HeaderModifier.NONE;
        HeaderModifier response = HeaderModifier.NONE;
        Set<String> seen = new HashSet<>();
        for (Fields.Item item : rule.list("filters")) {
            Fields f = item.object("type", "requestHeaderModifier", "responseHeaderModifier", "requestRedirect", "urlRewrite",
                    "requestMirror", "extensionRef", "cors", "externalAuth");
            String type = f.string("type");
            if (UNSUPPORTED.contains(type)) {
                throw f.error("type", type + " (expected: " + REQUEST + " or " + RESPONSE + "; " + type + " is not supported)");
            }
            if (!type.equals(REQUEST) && !type.equals(RESPONSE)) {
                throw f.invalid("type", REQUEST + " or " + RESPONSE);
            }
            if (!seen.add(type)) {
                throw f.error("type", type + " (expected: each filter type once per rule)");
            }
            String field = type.equals(REQUEST) ? "requestHeaderModifier" : "responseHeaderModifier";
            for (String other : f.keys()) {
                if (!other.equals("type") && !other.equals(field)) {
                    throw f.error(other, "set for type " + type + " (expected: only " + field + ")");
                }
            }
            if (!f.has(field)) {
                throw f.error(field, "missing (required for type " + type + ")");
            }
            HeaderModifier m = modifier(f.object(field, "set", "add", "remove"), type.equals(REQUEST));
            if (type.equals(REQUEST)) {
                request = m;
            } else {
                response = m;
            }
        }
        return new Filters(request, response);
    }

    private static HeaderModifier modifier(Fields f, boolean request) {
        Set<String> names = new HashSet<>();
        List<HeaderModifier.Header> set = headers(f, "set", names, request);
        List<HeaderModifier.Header> add = headers(f, "add", names, request);
        List<String> remove = new ArrayList<>();
        if (f.has("remove")) {
            List<Fields.Item> items = f.list("remove");
            for (Fields.Item item : items) {
                remove.add(name(item.string(), item::invalid, n -> item.invalid("each header name once per filter"), names, request));
            }
        }
        HeaderModifier m = new HeaderModifier(set, add, remove);
        if (m.isEmpty()) {
            throw f.error("set", "missing (expected: at least one of set, add, remove)");
        }
        return m;
    }

    private static List<HeaderModifier.Header> headers(Fields f, String key, Set<String> names, boolean request) {
        List<HeaderModifier.Header> out = new ArrayList<>();
        if (!f.has(key)) {
            return out;
        }
        for (Fields.Item item : f.list(key)) {
            Fields h = item.object("name", "value");
            String name = name(h.string("name"), expected -> h.invalid("name", expected),
                    n -> h.invalid("name", "each header name once per filter"), names, request);
            String value = h.text("value");
            if (value.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
                throw h.invalid("value", "a header value without CR, LF or NUL");
            }
            out.add(new HeaderModifier.Header(name, value));
        }
        return out;
    }

    /** A header name the filter may change, lower-cased; refuses pseudo-headers, Host and repeats. */
    private static String name(String name, java.util.function.Function<String, RuntimeException> invalid,
                               java.util.function.Function<String, RuntimeException> repeated, Set<String> names, boolean request) {
        if (!RouteMatchReader.HEADER_NAME.matcher(name).matches()) {
            throw invalid.apply("an HTTP header name");
        }
        String lower = name.toLowerCase(Locale.ROOT);
        if (request && lower.equals("host")) {
            throw invalid.apply("a header other than Host (the route's Service is the request's authority)");
        }
        if (HopByHopNames.contains(lower)) {
            throw invalid.apply("an end-to-end header (" + lower + " is hop-by-hop, owned by each connection)");
        }
        if (!names.add(lower)) {
            throw repeated.apply(name);
        }
        return lower;
    }

    /** Headers that belong to one connection (RFC 9110 §7.6.1), which a proxy never forwards. */
    private static final class HopByHopNames {
        private static final Set<String> NAMES = Set.of("connection", "keep-alive", "proxy-connection", "transfer-encoding",
                "te", "trailer", "upgrade");

        static boolean contains(String lower) {
            return NAMES.contains(lower);
        }
    }
}
