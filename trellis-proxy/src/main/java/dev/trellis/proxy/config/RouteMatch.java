package dev.trellis.proxy.config;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Conditions on a request; all must hold (Gateway API HTTPRouteMatch semantics).
 *
 * @param method  upper-case method, or null for any
 */
public record RouteMatch(PathMatch path, List<HeaderMatch> headers, List<QueryMatch> queryParams, String method) {

    public static final RouteMatch ANY = new RouteMatch(PathMatch.prefix("/"), List.of(), List.of(), null);

    public RouteMatch {
        Objects.requireNonNull(path, "path");
        headers = List.copyOf(headers);
        queryParams = List.copyOf(queryParams);
    }

    public enum MatchType { EXACT, PREFIX, REGEX }

    /** PREFIX matches whole path segments, as Gateway API's PathPrefix: "/foo" matches "/foo" and "/foo/bar", not "/foobar". */
    public record PathMatch(MatchType type, String value, Pattern pattern) {
        public PathMatch {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(value, "value");
            if (type == MatchType.REGEX && pattern == null) {
                pattern = Pattern.compile(value);
            }
        }

        public static PathMatch prefix(String value) { return new PathMatch(MatchType.PREFIX, value, null); }
        public static PathMatch exact(String value) { return new PathMatch(MatchType.EXACT, value, null); }
        public static PathMatch regex(String value) { return new PathMatch(MatchType.REGEX, value, Pattern.compile(value)); }
    }

    /** Header names are lower case. EXACT and REGEX only (Gateway API); PREFIX accepted for Envoy parity. */
    public record HeaderMatch(String name, MatchType type, String value, Pattern pattern, boolean invert) {
        public HeaderMatch {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(value, "value");
            name = name.toLowerCase(java.util.Locale.ROOT);
            if (type == MatchType.REGEX && pattern == null) {
                pattern = Pattern.compile(value);
            }
        }

        public static HeaderMatch exact(String name, String value) { return new HeaderMatch(name, MatchType.EXACT, value, null, false); }
    }

    public record QueryMatch(String name, MatchType type, String value, Pattern pattern) {
        public QueryMatch {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(value, "value");
            if (type == MatchType.REGEX && pattern == null) {
                pattern = Pattern.compile(value);
            }
        }

        public static QueryMatch exact(String name, String value) { return new QueryMatch(name, MatchType.EXACT, value, null); }
    }
}
