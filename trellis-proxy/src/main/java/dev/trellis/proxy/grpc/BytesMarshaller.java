package dev.trellis.proxy.grpc;

import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/** gRPC messages as the bytes they are on the wire, for calls that encode and decode their protobuf themselves. */
public final class BytesMarshaller implements MethodDescriptor.Marshaller<byte[]> {
    public static final BytesMarshaller INSTANCE = new BytesMarshaller();

    private BytesMarshaller() {
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
            throw Status.INTERNAL.withDescription("reading a message").withCause(e).asRuntimeException();
        }
    }
}
