package dev.trellis.bench.grpc;

import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Messages as plain bytes: the benchmark measures transport, so nothing is (de)serialised. */
final class ByteArrayMarshaller implements MethodDescriptor.Marshaller<byte[]> {
    static final ByteArrayMarshaller INSTANCE = new ByteArrayMarshaller();

    private ByteArrayMarshaller() {
    }

    @Override
    public InputStream stream(byte[] value) {
        return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
        try {
            return stream.readAllBytes();
        } catch (IOException e) {
            throw Status.INTERNAL.withDescription("reading the message").withCause(e).asRuntimeException();
        }
    }
}
