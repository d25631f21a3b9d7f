package dev.trellis.proxy.xds;

import dev.trellis.proxy.config.Redirect;
import dev.trellis.proxy.config.RequestRewrite;
import io.envoyproxy.envoy.config.route.v3.RedirectAction;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import java.util.Locale;

/** A route's {@code redirect}: every field of Envoy's RedirectAction; a scheme other than http or https is refused. */
final class RedirectDecoder {
    private RedirectDecoder() {}

    static Redirect decode(RedirectAction r, RouteMatch match, String table, String field) {
        String scheme = switch (r.getSchemeRewriteSpecifierCase()) {
            case HTTPS_REDIRECT -> r.getHttpsRedirect() ? "https" : null;
            case SCHEME_REDIRECT -> r.getSchemeRedirect().isEmpty() ? null : r.getSchemeRedirect().toLowerCase(Locale.ROOT);
            default -> null;
        };
        if (scheme != null && !scheme.equals("http") && !scheme.equals("https")) {
            throw new XdsResourceException(RouteDecoder.TYPE, table, field + ".scheme_redirect: " + r.getSchemeRedirect()
                    + " (expected: http or https)");
        }
        if (r.getPortRedirect() > 65535) {
            throw new XdsResourceException(RouteDecoder.TYPE, table, field + ".port_redirect: " + r.getPortRedirect()
                    + " (expected: 1..65535)");
        }
        RequestRewrite.PathRewrite path = switch (r.getPathRewriteSpecifierCase()) {
            case PATH_REDIRECT -> new RequestRewrite.FullPath(r.getPathRedirect());
            case PREFIX_REWRITE -> RequestRewriteDecoder.prefixRewrite(r.getPrefixRewrite(), match, table, field);
            case REGEX_REWRITE -> RequestRewriteDecoder.regexRewrite(r.getRegexRewrite(), table, field);
            default -> null;
        };
        String host = r.getHostRedirect().isEmpty() ? null : r.getHostRedirect();
        return new Redirect(scheme, host, r.getPortRedirect(), path, r.getStripQuery(), status(r.getResponseCode()));
    }

    private static int status(RedirectAction.RedirectResponseCode code) {
        return switch (code) {
            case FOUND -> 302;
            case SEE_OTHER -> 303;
            case TEMPORARY_REDIRECT -> 307;
            case PERMANENT_REDIRECT -> 308;
            default -> 301; // MOVED_PERMANENTLY is the proto's default (0)
        };
    }
}
