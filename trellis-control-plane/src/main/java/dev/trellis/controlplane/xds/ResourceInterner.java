package dev.trellis.controlplane.xds;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Message;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Gives equal resources one instance, across node groups and across publishes. The groups of a mesh share
 * most resources (every sidecar gets the same endpoints), so a resource is packed and hashed once however
 * many groups and clients it goes to, and an unchanged resource keeps its packed form from one publish to
 * the next. Identity comes from the deterministic serialization, which also gives each type's version.
 * Not thread-safe: the publisher calls it under its lock.
 */
final class ResourceInterner {
    private Map<ByteString, Message> previous = new HashMap<>();
    private Map<ByteString, Message> current = new HashMap<>();

    /** The interned resources and their type's version. */
    record Interned<T extends Message>(List<T> resources, String version) {}

    @SuppressWarnings("unchecked")
    <T extends Message> Interned<T> intern(List<T> resources) {
        MessageDigest sha = sha256();
        List<T> out = new ArrayList<>(resources.size());
        for (T m : resources) {
            ByteString bytes = serialize(m);
            Message canonical = current.get(bytes);
            if (canonical == null) {
                canonical = previous.getOrDefault(bytes, m);
                current.put(bytes, canonical);
            }
            out.add((T) canonical);
            sha.update(java.nio.ByteBuffer.allocate(4).putInt(bytes.size()).array());
            sha.update(bytes.asReadOnlyByteBuffer());
        }
        return new Interned<>(List.copyOf(out), HexFormat.of().formatHex(sha.digest(), 0, 8));
    }

    /** After publishing every group: what this publish used is what the next one can reuse. */
    void rotate() {
        previous = current;
        current = new HashMap<>();
    }

    /** Map fields in key order, so equal content gives equal bytes. */
    private static ByteString serialize(Message m) {
        ByteString.Output buffer = ByteString.newOutput(m.getSerializedSize());
        try {
            CodedOutputStream out = CodedOutputStream.newInstance(buffer);
            out.useDeterministicSerialization();
            m.writeTo(out);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buffer.toByteString();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
