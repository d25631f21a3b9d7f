package dev.trellis.controlplane.xds;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Message;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A resource type's version is a digest of its content. Equal content gives the same version, so an
 * endpoint change leaves the listener, route and cluster versions alone and only EDS is pushed; and a
 * restarted control plane recognises what a reconnecting proxy already runs.
 */
final class ResourceVersions {
    private ResourceVersions() {}

    static String of(List<? extends Message> resources) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        for (Message m : resources) {
            buffer.reset();
            try {
                CodedOutputStream out = CodedOutputStream.newInstance(buffer);
                out.useDeterministicSerialization(); // map fields in key order
                m.writeTo(out);
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            sha.update(ByteBuffer.allocate(4).putInt(buffer.size()).array());
            sha.update(buffer.toByteArray());
        }
        return HexFormat.of().formatHex(sha.digest(), 0, 8);
    }
}
