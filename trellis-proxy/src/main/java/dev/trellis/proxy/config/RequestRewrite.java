package dev.trellis.proxy.config;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Envoy's route rewrites of the request that leaves: a new path by {@code prefix_rewrite} (the route's matched prefix
 * replaced) or {@code regex_rewrite} (every match of a pattern replaced), a new Host by {@code host_rewrite_literal}.
 * Only the path changes; the query string stays, as in Envoy.
 *
 * @param matchedPrefix     the route's path prefix (or exact path) that {@code prefixReplacement} replaces; null without one
 * @param prefixReplacement what takes the matched prefix's place
 * @param pattern           null without a regex rewrite
 * @param substitution      the pattern's replacement, in {@link Matcher#replaceAll(String)} syntax
 * @param host              null to keep the caller's Host
 */
public record RequestRewrite(String matchedPrefix, String prefixReplacement, Pattern pattern, String substitution, String host) {

    public void applyTo(HttpRequest request) {
        if (host != null) {
            request.headers().set(HttpHeaderNames.HOST, host);
        }
        if (matchedPrefix == null && pattern == null) {
            return;
        }
        String uri = request.uri();
        int query = uri.indexOf('?');
        String path = query < 0 ? uri : uri.substring(0, query);
        String rewritten;
        if (matchedPrefix != null) {
            rewritten = path.startsWith(matchedPrefix) ? prefixReplacement + path.substring(matchedPrefix.length()) : path;
        } else {
            rewritten = pattern.matcher(path).replaceAll(substitution);
        }
        if (rewritten.isEmpty()) {
            rewritten = "/";
        }
        request.setUri(query < 0 ? rewritten : rewritten + uri.substring(query));
    }
}
