package dev.trellis.controlplane.store;

import java.util.Objects;

/**
 * Where one resource is written: its file, its position among the file's "---" separated documents, and
 * its text as written.
 *
 * @param line 1-based line of the document's first line in the file
 */
public record StoredDocument(ResourceKey key, String file, int index, int line, String text) {
    public StoredDocument {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(text, "text");
    }
}
