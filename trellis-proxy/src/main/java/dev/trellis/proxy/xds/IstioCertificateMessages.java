package dev.trellis.proxy.xds;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The two messages of Istio's certificate service, on the wire: {@code IstioCertificateRequest{string csr = 1;
 * int64 validity_duration = 3; Struct metadata = 4}} and {@code IstioCertificateResponse{repeated string
 * cert_chain = 1}}. Two fields each way do not warrant generated code in the proxy. Kept in this package, the
 * proxy's protobuf edge, for the CA client ({@code dev.trellis.proxy.ca.GrpcCertificateIssuer}).
 */
public final class IstioCertificateMessages {
    private IstioCertificateMessages() {}

    /** @param validitySeconds 0 for the CA's default */
    public record Request(String csr, long validitySeconds) {}

    public static final MethodDescriptor.Marshaller<Request> REQUEST = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(Request r) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try {
                CodedOutputStream out = CodedOutputStream.newInstance(bytes);
                out.writeString(1, r.csr());
                if (r.validitySeconds() != 0) {
                    out.writeInt64(3, r.validitySeconds());
                }
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new ByteArrayInputStream(bytes.toByteArray());
        }

        @Override
        public Request parse(InputStream stream) {
            try {
                CodedInputStream in = CodedInputStream.newInstance(stream);
                String csr = "";
                long validity = 0;
                for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                    switch (WireFormat.getTagFieldNumber(tag)) {
                        case 1 -> csr = in.readString();
                        case 3 -> validity = in.readInt64();
                        default -> in.skipField(tag);
                    }
                }
                return new Request(csr, validity);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    public static final MethodDescriptor.Marshaller<List<String>> RESPONSE = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(List<String> chain) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try {
                CodedOutputStream out = CodedOutputStream.newInstance(bytes);
                for (String pem : chain) {
                    out.writeString(1, pem);
                }
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new ByteArrayInputStream(bytes.toByteArray());
        }

        @Override
        public List<String> parse(InputStream stream) {
            try {
                CodedInputStream in = CodedInputStream.newInstance(stream);
                List<String> chain = new ArrayList<>();
                for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                    if (WireFormat.getTagFieldNumber(tag) == 1 && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                        chain.add(in.readString());
                    } else {
                        in.skipField(tag);
                    }
                }
                return chain;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };
}
