package dev.trellis.proxy.xds;

import dev.trellis.proxy.config.RequestRewrite;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatchAndSubstitute;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A route action's {@code prefix_rewrite}, {@code regex_rewrite} and {@code host_rewrite_literal}. A prefix rewrite
 * needs a prefix, path-separated prefix or exact path match, as in Envoy; the other host rewrites (from a header,
 * from the endpoint, by regex) and {@code path_rewrite_policy} are refused.
 */
final class RequestRewriteDecoder {
    private RequestRewriteDecoder() {}

    /** @return null when the action rewrites nothing */
    static RequestRewrite decode(RouteAction a, RouteMatch match, String table, String field) {
        String unsupported = a.hasHostRewriteHeader() || a.hasAutoHostRewrite() || a.hasHostRewritePathRegex()
                ? a.getHostRewriteSpecifierCase().name().toLowerCase(Locale.ROOT)
                : a.hasPathRewritePolicy() ? "path_rewrite_policy" : null;
        if (unsupported != null) {
            throw new XdsResourceException(RouteDecoder.TYPE, table, field + ": " + unsupported
                    + " (expected: prefix_rewrite, regex_rewrite or host_rewrite_literal)");
        }
        String host = a.getHostRewriteLiteral().isEmpty() ? null : a.getHostRewriteLiteral();
        boolean prefix = !a.getPrefixRewrite().isEmpty();
        if (prefix && a.hasRegexRewrite()) {
            throw new XdsResourceException(RouteDecoder.TYPE, table, field + ": prefix_rewrite and regex_rewrite (expected: one of them)");
        }
        if (prefix) {
            return new RequestRewrite(prefixRewrite(a.getPrefixRewrite(), match, table, field), host);
        }
        if (a.hasRegexRewrite()) {
            return new RequestRewrite(regexRewrite(a.getRegexRewrite(), table, field), host);
        }
        return host == null ? null : new RequestRewrite(null, host);
    }

    /** A {@code prefix_rewrite} (of a route action or a redirect): the route's matched prefix replaced. */
    static RequestRewrite.PathRewrite prefixRewrite(String replacement, RouteMatch match, String table, String field) {
        String matched = switch (match.getPathSpecifierCase()) {
            case PREFIX -> match.getPrefix();
            case PATH_SEPARATED_PREFIX -> match.getPathSeparatedPrefix();
            case PATH -> match.getPath();
            default -> throw new XdsResourceException(RouteDecoder.TYPE, table, field + ".prefix_rewrite: set with a "
                    + match.getPathSpecifierCase().name().toLowerCase(Locale.ROOT)
                    + " match (expected: a prefix, path_separated_prefix or path match)");
        };
        return new RequestRewrite.PrefixRewrite(matched, replacement);
    }

    /** A {@code regex_rewrite} (of a route action or a redirect). */
    static RequestRewrite.PathRewrite regexRewrite(RegexMatchAndSubstitute rewrite, String table, String field) {
        String regex = rewrite.getPattern().getRegex();
        try {
            return new RequestRewrite.RegexRewrite(Pattern.compile(regex), javaReplacement(rewrite.getSubstitution()));
        } catch (PatternSyntaxException e) {
            throw new XdsResourceException(RouteDecoder.TYPE, table, field + ".regex_rewrite.pattern.regex: \"" + regex
                    + "\" (expected: a regular expression; " + e.getDescription() + ")");
        }
    }

    /** RE2's substitution ({@code \1} a group, {@code \\} a backslash) in Java's ({@code $1}, '$' and '\' escaped). */
    static String javaReplacement(String re2) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < re2.length(); i++) {
            char c = re2.charAt(i);
            if (c == '\\' && i + 1 < re2.length()) {
                char next = re2.charAt(++i);
                out.append(Character.isDigit(next) ? "$" + next : Matcher.quoteReplacement(String.valueOf(next)));
            } else {
                out.append(Matcher.quoteReplacement(String.valueOf(c)));
            }
        }
        return out.toString();
    }
}
