package dev.trellis.proxy.route;

import dev.trellis.proxy.config.RouteMatch;
import dev.trellis.proxy.config.RouteMatch.HeaderMatch;
import dev.trellis.proxy.config.RouteMatch.MatchType;
import dev.trellis.proxy.config.RouteMatch.PathMatch;
import dev.trellis.proxy.config.RouteMatch.QueryMatch;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import java.util.Map;

/** Evaluates one {@link RouteMatch} against a request; all conditions must hold. */
final class RequestMatcher {
    private final RouteMatch match;
    private final HeaderMatch[] headers;
    private final QueryMatch[] queryParams;

    RequestMatcher(RouteMatch match) {
        this.match = match;
        this.headers = match.headers().toArray(HeaderMatch[]::new);
        this.queryParams = match.queryParams().toArray(QueryMatch[]::new);
    }

    boolean matches(RequestView request) {
        if (match.method() != null && !match.method().equals(request.method())) {
            return false;
        }
        if (!pathMatches(match.path(), request.path())) {
            return false;
        }
        for (HeaderMatch h : headers) {
            if (!headerMatches(h, request.headers())) {
                return false;
            }
        }
        if (queryParams.length > 0) {
            Map<String, List<String>> params = request.queryParams();
            for (QueryMatch q : queryParams) {
                if (!queryMatches(q, params)) {
                    return false;
                }
            }
        }
        return true;
    }

    static boolean pathMatches(PathMatch m, String path) {
        switch (m.type()) {
            case EXACT:
                return path.equals(m.value());
            case PREFIX:
                return prefixMatches(m.value(), path);
            default:
                return m.pattern().matcher(path).matches();
        }
    }

    /** Gateway API PathPrefix: whole segments, so "/api" matches "/api" and "/api/x" but not "/apix". */
    private static boolean prefixMatches(String prefix, String path) {
        if (prefix.equals("/") || prefix.isEmpty()) {
            return true;
        }
        String p = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        if (!path.startsWith(p)) {
            return false;
        }
        return path.length() == p.length() || path.charAt(p.length()) == '/';
    }

    private static boolean headerMatches(HeaderMatch m, HttpHeaders headers) {
        String value = headers.get(m.name());
        boolean ok = value != null && valueMatches(m.type(), m.value(), m.pattern(), value);
        return ok != m.invert();
    }

    private static boolean queryMatches(QueryMatch m, Map<String, List<String>> params) {
        List<String> values = params.get(m.name());
        if (values == null || values.isEmpty()) {
            return false;
        }
        // Gateway API: only the first value counts when a parameter repeats
        return valueMatches(m.type(), m.value(), m.pattern(), values.get(0));
    }

    private static boolean valueMatches(MatchType type, String expected, java.util.regex.Pattern pattern, String actual) {
        switch (type) {
            case EXACT:
                return actual.equals(expected);
            case PREFIX:
                return actual.startsWith(expected);
            default:
                return pattern.matcher(actual).matches();
        }
    }

    /** The parts of a request that routing reads; query parameters are decoded only when a route asks. */
    static final class RequestView {
        private final String method;
        private final String uri;
        private final HttpHeaders headers;
        private final int queryStart;
        private Map<String, List<String>> queryParams;

        RequestView(String method, String uri, HttpHeaders headers) {
            this.method = method;
            this.uri = uri;
            this.headers = headers;
            this.queryStart = uri.indexOf('?');
        }

        String method() {
            return method;
        }

        String path() {
            return queryStart < 0 ? uri : uri.substring(0, queryStart);
        }

        HttpHeaders headers() {
            return headers;
        }

        Map<String, List<String>> queryParams() {
            if (queryParams == null) {
                queryParams = queryStart < 0 ? Map.of() : new QueryStringDecoder(uri).parameters();
            }
            return queryParams;
        }
    }
}
