package dev.trellis.config.resource;

/**
 * A Gateway API URLRewrite filter: the request leaves with another path, another Host, or both.
 *
 * @param hostname the Host to send, or null to keep the caller's
 * @param path     the path change, or null to keep the path
 */
public record UrlRewrite(String hostname, PathModifier path) {

    public UrlRewrite {
        if (hostname == null && path == null) {
            throw new IllegalArgumentException("a URLRewrite changes the hostname, the path or both");
        }
    }

    /** @param value the whole new path, or what replaces the matched prefix */
    public record PathModifier(Type type, String value) {
        public enum Type { REPLACE_FULL_PATH, REPLACE_PREFIX_MATCH }
    }
}
