package dev.trellis.config.xds;

import dev.trellis.config.resource.HttpRoute;
import dev.trellis.config.resource.UrlRewrite;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatchAndSubstitute;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * A URLRewrite filter in Envoy's route action fields, one route (one match) at a time, with Gateway API's prefix
 * semantics: the matched prefix and the replacement are taken without a trailing '/', so {@code /foo} replaced by
 * {@code /xyz/} turns {@code /foo/bar} into {@code /xyz/bar}, and replaced by {@code /} turns it into {@code /bar}.
 * Envoy's {@code prefix_rewrite} does that for a non-empty prefix and replacement; the two other cases take a
 * {@code regex_rewrite}. The query string is kept, as Envoy keeps it.
 */
final class UrlRewriteTranslator {
    private UrlRewriteTranslator() {}

    static void apply(RouteAction.Builder action, HttpRoute.Match match, UrlRewrite rewrite) {
        if (rewrite == null) {
            return;
        }
        if (rewrite.hostname() != null) {
            action.setHostRewriteLiteral(rewrite.hostname());
        }
        if (rewrite.path() != null) {
            applyPath(match, rewrite.path(), action::setPrefixRewrite, action::setRegexRewrite);
        }
    }

    /**
     * A path change as Envoy's {@code prefix_rewrite} or {@code regex_rewrite} (a route action and a redirect action
     * both have them); nothing when the path stays as it is.
     */
    static void applyPath(HttpRoute.Match match, UrlRewrite.PathModifier path, Consumer<String> prefixRewrite,
                          Consumer<RegexMatchAndSubstitute> regexRewrite) {
        if (path.type() == UrlRewrite.PathModifier.Type.REPLACE_FULL_PATH) {
            regexRewrite.accept(regex("^/.*$", escape(path.value())));
            return;
        }
        String prefix = trimSlashes(match.path().value());
        String replacement = trimSlashes(path.value());
        if (prefix.isEmpty() && replacement.isEmpty()) {
            return; // "/" for "/": nothing changes
        }
        if (prefix.isEmpty()) {
            regexRewrite.accept(regex("^/", escape(replacement) + "/"));
        } else if (replacement.isEmpty()) {
            regexRewrite.accept(regex("^" + Pattern.quote(prefix) + "/*", "/")); // \Q...\E: RE2 reads it as Java does
        } else {
            prefixRewrite.accept(replacement);
        }
    }

    private static RegexMatchAndSubstitute regex(String pattern, String substitution) {
        return RegexMatchAndSubstitute.newBuilder().setPattern(RegexMatcher.newBuilder().setRegex(pattern))
                .setSubstitution(substitution).build();
    }

    private static String trimSlashes(String path) {
        return path.replaceAll("/+$", "");
    }

    /** A substitution's backslash starts a group reference in RE2: a literal one is doubled. */
    private static String escape(String literal) {
        return literal.replace("\\", "\\\\");
    }
}
