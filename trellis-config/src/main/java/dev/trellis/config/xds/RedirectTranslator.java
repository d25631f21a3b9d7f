package dev.trellis.config.xds;

import dev.trellis.config.resource.HttpRoute;
import dev.trellis.config.resource.RequestRedirect;
import io.envoyproxy.envoy.config.route.v3.RedirectAction;

/**
 * A RequestRedirect filter as Envoy's route {@code redirect}: scheme, host, port, the path change (with URLRewrite's
 * prefix semantics) and the status. Which port the Location gets when none is given follows Gateway API in the
 * proxy (the new scheme's default when the scheme changes, else the request's); Envoy's own rules differ in corners.
 */
final class RedirectTranslator {
    private RedirectTranslator() {}

    static RedirectAction redirect(HttpRoute.Match match, RequestRedirect r) {
        RedirectAction.Builder b = RedirectAction.newBuilder();
        if (r.scheme() != null) {
            b.setSchemeRedirect(r.scheme());
        }
        if (r.hostname() != null) {
            b.setHostRedirect(r.hostname());
        }
        if (r.port() != null) {
            b.setPortRedirect(r.port());
        }
        if (r.path() != null) {
            UrlRewriteTranslator.applyPath(match, r.path(), b::setPrefixRewrite, b::setRegexRewrite);
        }
        return b.setResponseCode(code(r.statusCode())).build();
    }

    private static RedirectAction.RedirectResponseCode code(int status) {
        return switch (status) {
            case 301 -> RedirectAction.RedirectResponseCode.MOVED_PERMANENTLY;
            case 303 -> RedirectAction.RedirectResponseCode.SEE_OTHER;
            case 307 -> RedirectAction.RedirectResponseCode.TEMPORARY_REDIRECT;
            case 308 -> RedirectAction.RedirectResponseCode.PERMANENT_REDIRECT;
            default -> RedirectAction.RedirectResponseCode.FOUND;
        };
    }
}
