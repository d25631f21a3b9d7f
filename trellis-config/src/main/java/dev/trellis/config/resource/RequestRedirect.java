package dev.trellis.config.resource;

import java.util.Set;

/**
 * A Gateway API RequestRedirect filter: the caller's sidecar answers with a redirect instead of sending the request
 * on. Each part left null keeps the request's own.
 *
 * @param scheme     "http" or "https", or null
 * @param hostname   the new host name, or null
 * @param path       the new path (the whole path, or the matched prefix replaced), or null; the query string is kept
 * @param port       the new port, or null: then the new scheme's default port when the scheme changes, else the
 *                   request's own
 * @param statusCode 301, 302, 303, 307 or 308
 */
public record RequestRedirect(String scheme, String hostname, UrlRewrite.PathModifier path, Integer port, int statusCode) {
    public static final Set<Integer> STATUS_CODES = Set.of(301, 302, 303, 307, 308);

    public RequestRedirect {
        if (!STATUS_CODES.contains(statusCode)) {
            throw new IllegalArgumentException("statusCode: " + statusCode + " (expected: 301, 302, 303, 307 or 308)");
        }
    }
}
