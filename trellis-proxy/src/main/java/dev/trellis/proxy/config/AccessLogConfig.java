package dev.trellis.proxy.config;

import java.util.Objects;

/**
 * A JSON-lines access log of a listener's requests.
 *
 * @param path a file to append to, or "/dev/stdout"
 */
public record AccessLogConfig(String path) {

    public static final String STDOUT = "/dev/stdout";

    public AccessLogConfig {
        Objects.requireNonNull(path, "path");
        if (path.isBlank()) {
            throw new IllegalArgumentException("path: \"\" (expected: a file or " + STDOUT + ")");
        }
    }
}
