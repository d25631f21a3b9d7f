package dev.trellis.config.load;

import dev.trellis.config.ConfigException;
import dev.trellis.config.resource.HeaderModifier;
import dev.trellis.config.resource.HttpRoute;
import dev.trellis.config.resource.RequestMirror;
import dev.trellis.config.resource.RequestRedirect;
import dev.trellis.config.resource.UrlRewrite;
import dev.trellis.config.yaml.Fields;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads an HTTPRoute rule's Gateway API {@code filters}: RequestHeaderModifier, ResponseHeaderModifier, URLRewrite and
 * RequestRedirect, each at most once, and RequestMirror, any number of times. A redirect goes with neither a rewrite
 * nor a mirror (nothing is sent on). The other filter types are refused by name.
 */
final class RouteFilterReader {
    static final String REQUEST = "RequestHeaderModifier";
    static final String RESPONSE = "ResponseHeaderModifier";
    static final String REWRITE = "URLRewrite";
    static final String MIRROR = "RequestMirror";
    static final String REDIRECT = "RequestRedirect";
    private static final String SUPPORTED = REQUEST + ", " + RESPONSE + ", " + REWRITE + ", " + MIRROR + " or " + REDIRECT;
    /** Headers that belong to one connection (RFC 9110 §7.6.1), which a proxy never forwards. */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection", "transfer-encoding",
            "te", "trailer", "upgrade");
    private static final Set<String> UNSUPPORTED = Set.of("ExtensionRef", "CORS", "ExternalAuth");

    /** The filters of a rule; {@link HeaderModifier#NONE} for a modifier it lacks, a null rewrite when it has none. */
    record Filters(HeaderModifier request, HeaderModifier response, UrlRewrite rewrite, List<RequestMirror> mirrors,
                   RequestRedirect redirect) {
        static final Filters NONE = new Filters(HeaderModifier.NONE, HeaderModifier.NONE, null, List.of(), null);
    }

    private RouteFilterReader() {}

    /**
     * @param rule    the rule, which has {@code filters}
     * @param matches the rule's matches, which a prefix replacement needs to be all PathPrefix
     * @param routeNamespace where a mirror's backendRef without a namespace points
     */
    static Filters read(Fields rule, List<HttpRoute.Match> matches, String routeNamespace) {
        HeaderModifier request = HeaderModifier.NONE;
        HeaderModifier response = HeaderModifier.NONE;
        UrlRewrite rewrite = null;
        List<RequestMirror> mirrors = new ArrayList<>();
        RequestRedirect redirect = null;
        Set<String> seen = new HashSet<>();
        for (Fields.Item item : rule.list("filters")) {
            Fields f = item.object("type", "requestHeaderModifier", "responseHeaderModifier", "urlRewrite", "requestRedirect",
                    "requestMirror", "extensionRef", "cors", "externalAuth");
            String type = f.string("type");
            if (UNSUPPORTED.contains(type)) {
                throw f.error("type", type + " (expected: " + SUPPORTED + "; " + type + " is not supported)");
            }
            String field = switch (type) {
                case REQUEST -> "requestHeaderModifier";
                case RESPONSE -> "responseHeaderModifier";
                case REWRITE -> "urlRewrite";
                case MIRROR -> "requestMirror";
                case REDIRECT -> "requestRedirect";
                default -> throw f.invalid("type", SUPPORTED);
            };
            if (!seen.add(type) && !type.equals(MIRROR)) {
                throw f.error("type", type + " (expected: each filter type once per rule, RequestMirror excepted)");
            }
            for (String other : f.keys()) {
                if (!other.equals("type") && !other.equals(field)) {
                    throw f.error(other, "set for type " + type + " (expected: only " + field + ")");
                }
            }
            if (!f.has(field)) {
                throw f.error(field, "missing (required for type " + type + ")");
            }
            if (type.equals(REWRITE)) {
                rewrite = rewrite(f.object(field, "hostname", "path"), matches);
                continue;
            }
            if (type.equals(MIRROR)) {
                mirrors.add(mirror(f.object(field, "backendRef", "percent", "fraction"), routeNamespace));
                continue;
            }
            if (type.equals(REDIRECT)) {
                redirect = redirect(f.object(field, "scheme", "hostname", "path", "port", "statusCode"), matches);
                continue;
            }
            HeaderModifier m = modifier(f.object(field, "set", "add", "remove"), type.equals(REQUEST));
            if (type.equals(REQUEST)) {
                request = m;
            } else {
                response = m;
            }
        }
        if (redirect != null && (rewrite != null || !mirrors.isEmpty())) {
            String other = rewrite != null ? REWRITE : MIRROR;
            throw rule.error("filters", other + " with " + REDIRECT + " (expected: one of them; a redirected request is "
                    + "answered by the sidecar, not sent on)");
        }
        return new Filters(request, response, rewrite, mirrors, redirect);
    }

    /** Gateway API's RequestRedirect; every part optional, statusCode 302 by default. */
    private static RequestRedirect redirect(Fields f, List<HttpRoute.Match> matches) {
        String scheme = null;
        if (f.has("scheme")) {
            scheme = f.string("scheme");
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw f.invalid("scheme", "http or https");
            }
        }
        String hostname = f.has("hostname") ? hostname(f) : null;
        UrlRewrite.PathModifier path = f.has("path") ? pathModifier(f, matches) : null;
        Integer port = f.has("port") ? HttpRouteKind.port(f) : null;
        int status = f.integer("statusCode", 302);
        if (!RequestRedirect.STATUS_CODES.contains(status)) {
            throw f.error("statusCode", status + " (expected: 301, 302, 303, 307 or 308)");
        }
        return new RequestRedirect(scheme, hostname, path, port, status);
    }

    /** Gateway API's RequestMirror: a backendRef, and {@code percent} or {@code fraction} (default: every request). */
    private static RequestMirror mirror(Fields f, String routeNamespace) {
        if (!f.has("backendRef")) {
            throw f.error("backendRef", "missing (required: the Service that gets the copies)");
        }
        Fields ref = f.object("backendRef", "group", "kind", "name", "namespace", "port");
        HttpRouteKind.coreGroup(ref);
        if (ref.has("kind") && !ref.string("kind").equals("Service")) {
            throw ref.invalid("kind", "Service");
        }
        Integer port = ref.has("port") ? HttpRouteKind.port(ref) : null;
        if (f.has("percent") && f.has("fraction")) {
            throw f.error("fraction", "set with percent (expected: one of them)");
        }
        int numerator = 100;
        int denominator = 100;
        if (f.has("percent")) {
            numerator = f.integer("percent", 100, 0, 100);
        } else if (f.has("fraction")) {
            Fields fraction = f.object("fraction", "numerator", "denominator");
            denominator = fraction.integer("denominator", 100, 1, Integer.MAX_VALUE);
            if (!fraction.has("numerator")) {
                throw fraction.error("numerator", "missing (required in a fraction)");
            }
            numerator = fraction.integer("numerator", 0, 0, denominator);
        }
        return new RequestMirror(ref.string("name"), ref.string("namespace", routeNamespace), port, numerator, denominator,
                ref.path(), ref.location());
    }

    private static UrlRewrite rewrite(Fields f, List<HttpRoute.Match> matches) {
        String hostname = f.has("hostname") ? hostname(f) : null;
        UrlRewrite.PathModifier path = f.has("path") ? pathModifier(f, matches) : null;
        if (hostname == null && path == null) {
            throw f.error("path", "missing (expected: hostname, path or both)");
        }
        return new UrlRewrite(hostname, path);
    }

    private static String hostname(Fields f) {
        String hostname = f.string("hostname");
        if (!ResourceKind.NameRule.DNS_SUBDOMAIN.accepts(hostname)) {
            throw f.invalid("hostname", "a host name: lower-case letters, digits, '-' and '.'");
        }
        return hostname;
    }

    /** The {@code path} of a URLRewrite or RequestRedirect: a whole new path, or the matched prefix replaced. */
    private static UrlRewrite.PathModifier pathModifier(Fields f, List<HttpRoute.Match> matches) {
        Fields p = f.object("path", "type", "replaceFullPath", "replacePrefixMatch");
        String type = p.string("type");
        UrlRewrite.PathModifier.Type t = switch (type) {
            case "ReplaceFullPath" -> UrlRewrite.PathModifier.Type.REPLACE_FULL_PATH;
            case "ReplacePrefixMatch" -> UrlRewrite.PathModifier.Type.REPLACE_PREFIX_MATCH;
            default -> throw p.invalid("type", "ReplaceFullPath or ReplacePrefixMatch");
        };
        String key = t == UrlRewrite.PathModifier.Type.REPLACE_FULL_PATH ? "replaceFullPath" : "replacePrefixMatch";
        String other = t == UrlRewrite.PathModifier.Type.REPLACE_FULL_PATH ? "replacePrefixMatch" : "replaceFullPath";
        if (p.has(other)) {
            throw p.error(other, "set for type " + type + " (expected: only " + key + ")");
        }
        if (!p.has(key)) {
            throw p.error(key, "missing (required for type " + type + ")");
        }
        String value = p.string(key);
        if (!value.startsWith("/") || value.chars().anyMatch(c -> c <= ' ' || c == '?' || c == '#' || c == 127)) {
            throw p.invalid(key, "a path starting with / (no spaces, '?' or '#')");
        }
        if (t == UrlRewrite.PathModifier.Type.REPLACE_PREFIX_MATCH
                && matches.stream().anyMatch(m -> m.path().type() != HttpRoute.PathType.PATH_PREFIX)) {
            throw p.error("type", type + " (expected: a rule whose matches all have a PathPrefix path, whose prefix it replaces)");
        }
        return new UrlRewrite.PathModifier(t, value);
    }

    private static HeaderModifier modifier(Fields f, boolean request) {
        Set<String> names = new HashSet<>();
        List<HeaderModifier.Header> set = headers(f, "set", names, request);
        List<HeaderModifier.Header> add = headers(f, "add", names, request);
        List<String> remove = new ArrayList<>();
        if (f.has("remove")) {
            List<Fields.Item> items = f.list("remove");
            for (Fields.Item item : items) {
                remove.add(name(item.string(), item::invalid, names, request));
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
            String name = name(h.string("name"), expected -> h.invalid("name", expected), names, request);
            String value = h.text("value");
            if (value.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
                throw h.invalid("value", "a header value without CR, LF or NUL");
            }
            out.add(new HeaderModifier.Header(name, value));
        }
        return out;
    }

    /**
     * A header name the filter may change, lower-cased; refuses pseudo-headers, Host, hop-by-hop headers and repeats.
     *
     * @param invalid the error at the name, given what was expected
     */
    private static String name(String name, Function<String, ConfigException> invalid, Set<String> names, boolean request) {
        if (!RouteMatchReader.HEADER_NAME.matcher(name).matches()) {
            throw invalid.apply("an HTTP header name");
        }
        String lower = name.toLowerCase(Locale.ROOT);
        if (request && lower.equals("host")) {
            throw invalid.apply("a header other than Host (the route's Service is the request's authority)");
        }
        if (HOP_BY_HOP.contains(lower)) {
            throw invalid.apply("an end-to-end header (" + lower + " is hop-by-hop, owned by each connection)");
        }
        if (!names.add(lower)) {
            throw invalid.apply("each header name once per filter");
        }
        return lower;
    }
}
