package dev.trellis.config;

import java.util.Objects;

/**
 * A place in a configuration file, for error messages.
 *
 * @param file   the file as the user named it (a path, or a display name for in-memory text)
 * @param line   1-based
 * @param column 1-based
 */
public record Location(String file, int line, int column) {
    public Location {
        Objects.requireNonNull(file, "file");
    }

    @Override
    public String toString() {
        return file + ":" + line;
    }
}
