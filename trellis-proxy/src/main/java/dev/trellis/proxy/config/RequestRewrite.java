package dev.trellis.proxy.config;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Envoy's route rewrites of the request that leaves: a new path ({@code prefix_rewrite} or {@code regex_rewrite}),
 * a new Host ({@code host_rewrite_literal}). Only the path changes; the query string stays, as in Envoy.
 *
 * @param path null to keep the path
 * @param host null to keep the caller's Host
 */
public record RequestRewrite(PathRewrite path, String host) {

    public void applyTo(HttpRequest request) {
        if (host != null) {
            request.headers().set(HttpHeaderNames.HOST, host);
        }
        if (path == null) {
            return;
        }
        String uri = request.uri();
        int query = uri.indexOf('?');
        String rewritten = path.rewrite(query < 0 ? uri : uri.substring(0, query));
        if (rewritten.isEmpty()) {
            rewritten = "/";
        }
        request.setUri(query < 0 ? rewritten : rewritten + uri.substring(query));
    }

    /** A new path for the old one (without its query string). */
    public sealed interface PathRewrite permits PrefixRewrite, RegexRewrite, FullPath {
        String rewrite(String path);
    }

    /** A redirect's {@code path_redirect}: the whole path replaced. */
    public record FullPath(String path) implements PathRewrite {
        @Override
        public String rewrite(String ignored) {
            return path;
        }
    }

    /** {@code prefix_rewrite}: the route's matched prefix (or exact path) replaced. */
    public record PrefixRewrite(String matched, String replacement) implements PathRewrite {
        @Override
        public String rewrite(String path) {
            return path.startsWith(matched) ? replacement + path.substring(matched.length()) : path;
        }
    }

    /** {@code regex_rewrite}: every match of the pattern replaced; the substitution in {@link Matcher#replaceAll(String)} syntax. */
    public record RegexRewrite(Pattern pattern, String substitution) implements PathRewrite {
        @Override
        public String rewrite(String path) {
            return pattern.matcher(path).replaceAll(substitution);
        }
    }
}
