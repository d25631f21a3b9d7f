package dev.trellis.proxy.xds;

import dev.trellis.proxy.config.RouteMatch;
import dev.trellis.proxy.config.RouteMatch.HeaderMatch;
import dev.trellis.proxy.config.RouteMatch.MatchType;
import dev.trellis.proxy.config.RouteMatch.PathMatch;
import dev.trellis.proxy.config.RouteMatch.QueryMatch;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.QueryParameterMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Envoy RouteMatch to {@link RouteMatch}. Envoy matchers the proxy has no direct form for become
 * anchored regular expressions with the same meaning: a raw {@code prefix} "/api" is "\Q/api\E.*",
 * suffix, contains, ignore_case and present_match likewise.
 */
final class RouteMatchDecoder {
    private RouteMatchDecoder() {}

    static RouteMatch decode(io.envoyproxy.envoy.config.route.v3.RouteMatch m, String table, String field) {
        if (m.hasCaseSensitive() && !m.getCaseSensitive().getValue()) {
            throw fail(table, field + ".case_sensitive: false (expected: true)");
        }
        if (m.hasRuntimeFraction() || m.hasGrpc() || m.hasTlsContext() || m.getDynamicMetadataCount() > 0) {
            throw fail(table, field + ": runtime_fraction, grpc, tls_context or dynamic_metadata"
                    + " (expected: path, headers and query_parameters only)");
        }
        PathMatch path = switch (m.getPathSpecifierCase()) {
            case PREFIX -> m.getPrefix().equals("/") || m.getPrefix().isEmpty()
                    ? PathMatch.prefix("/")
                    : regex(Pattern.quote(m.getPrefix()) + ".*", table, field + ".prefix");
            case PATH -> PathMatch.exact(m.getPath());
            case SAFE_REGEX -> regex(m.getSafeRegex().getRegex(), table, field + ".safe_regex.regex");
            case PATH_SEPARATED_PREFIX -> PathMatch.prefix(m.getPathSeparatedPrefix());
            default -> throw fail(table, field + ": " + m.getPathSpecifierCase()
                    + " (expected: prefix, path, safe_regex or path_separated_prefix)");
        };
        String method = null;
        List<HeaderMatch> headers = new ArrayList<>();
        for (int i = 0; i < m.getHeadersCount(); i++) {
            HeaderMatch h = header(m.getHeaders(i), table, field + ".headers[" + i + "]");
            if (h.name().equals(":method") && h.type() == MatchType.EXACT && !h.invert() && method == null) {
                method = h.value().toUpperCase(Locale.ROOT);
            } else {
                headers.add(h);
            }
        }
        List<QueryMatch> query = new ArrayList<>();
        for (int i = 0; i < m.getQueryParametersCount(); i++) {
            query.add(query(m.getQueryParameters(i), table, field + ".query_parameters[" + i + "]"));
        }
        return new RouteMatch(path, headers, query, method);
    }

    private static PathMatch regex(String regex, String table, String field) {
        return new PathMatch(MatchType.REGEX, regex, compile(regex, table, field));
    }

    private static HeaderMatch header(HeaderMatcher h, String table, String field) {
        if (h.getName().isEmpty()) {
            throw fail(table, field + ".name: \"\" (expected: a header name)");
        }
        String f = field + "." + h.getHeaderMatchSpecifierCase().name().toLowerCase(Locale.ROOT);
        Matcher m = switch (h.getHeaderMatchSpecifierCase()) {
            case STRING_MATCH -> string(h.getStringMatch(), table, field + ".string_match");
            case EXACT_MATCH -> new Matcher(MatchType.EXACT, h.getExactMatch());
            case PREFIX_MATCH -> new Matcher(MatchType.PREFIX, h.getPrefixMatch());
            case SAFE_REGEX_MATCH -> new Matcher(MatchType.REGEX, h.getSafeRegexMatch().getRegex());
            case SUFFIX_MATCH -> new Matcher(MatchType.REGEX, ".*" + Pattern.quote(h.getSuffixMatch()));
            case CONTAINS_MATCH -> new Matcher(MatchType.REGEX, ".*" + Pattern.quote(h.getContainsMatch()) + ".*");
            case PRESENT_MATCH -> new Matcher(MatchType.REGEX, ".*");
            case HEADERMATCHSPECIFIER_NOT_SET -> new Matcher(MatchType.REGEX, ".*"); // Envoy: header present
            default -> throw fail(table, f + ": set (expected: string_match, exact, prefix, suffix, contains, safe_regex or present)");
        };
        // present_match: false means "absent": the inverse of "present"
        boolean invert = h.getInvertMatch() ^ (h.getHeaderMatchSpecifierCase() == HeaderMatcher.HeaderMatchSpecifierCase.PRESENT_MATCH
                && !h.getPresentMatch());
        Pattern pattern = m.type == MatchType.REGEX ? compile(m.value, table, f) : null;
        return new HeaderMatch(h.getName(), m.type, m.value, pattern, invert);
    }

    private static QueryMatch query(QueryParameterMatcher q, String table, String field) {
        if (q.getName().isEmpty()) {
            throw fail(table, field + ".name: \"\" (expected: a parameter name)");
        }
        Matcher m = switch (q.getQueryParameterMatchSpecifierCase()) {
            case STRING_MATCH -> string(q.getStringMatch(), table, field + ".string_match");
            case PRESENT_MATCH -> {
                if (!q.getPresentMatch()) {
                    throw fail(table, field + ".present_match: false (expected: true)");
                }
                yield new Matcher(MatchType.REGEX, ".*");
            }
            default -> throw fail(table, field + ": no matcher (expected: string_match or present_match)");
        };
        if (m.type == MatchType.PREFIX) {
            m = new Matcher(MatchType.REGEX, Pattern.quote(m.value) + ".*");
        }
        return new QueryMatch(q.getName(), m.type, m.value, m.type == MatchType.REGEX ? compile(m.value, table, field) : null);
    }

    private static Matcher string(StringMatcher s, String table, String field) {
        String ci = s.getIgnoreCase() ? "(?i)" : "";
        Matcher m = switch (s.getMatchPatternCase()) {
            case EXACT -> s.getIgnoreCase() ? new Matcher(MatchType.REGEX, ci + Pattern.quote(s.getExact()))
                                            : new Matcher(MatchType.EXACT, s.getExact());
            case PREFIX -> s.getIgnoreCase() ? new Matcher(MatchType.REGEX, ci + Pattern.quote(s.getPrefix()) + ".*")
                                             : new Matcher(MatchType.PREFIX, s.getPrefix());
            case SUFFIX -> new Matcher(MatchType.REGEX, ci + ".*" + Pattern.quote(s.getSuffix()));
            case CONTAINS -> new Matcher(MatchType.REGEX, ci + ".*" + Pattern.quote(s.getContains()) + ".*");
            case SAFE_REGEX -> new Matcher(MatchType.REGEX, s.getSafeRegex().getRegex());
            default -> throw fail(table, field + ": " + s.getMatchPatternCase()
                    + " (expected: exact, prefix, suffix, contains or safe_regex)");
        };
        if (m.type == MatchType.REGEX) {
            compile(m.value, table, field);
        }
        return m;
    }

    private static Pattern compile(String regex, String table, String field) {
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw fail(table, field + ": \"" + regex + "\" (expected: a regular expression; " + e.getDescription() + ")");
        }
    }

    private static XdsResourceException fail(String table, String detail) {
        return new XdsResourceException(RouteDecoder.TYPE, table, detail);
    }

    private record Matcher(MatchType type, String value) {}
}
