package dev.trellis.proxy.ca;

import dev.trellis.proxy.tls.CertificateIssuer;
import dev.trellis.proxy.xds.IstioCertificateMessages;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The CA over gRPC, as Istio's sidecars reach it: {@code istio.v1.auth.IstioCertificateService/CreateCertificate}
 * on the control plane's xDS port, the bootstrap token in {@code authorization: Bearer <token>}. The answer is
 * Istio's chain, the root last: the chain the workload presents is everything before its trailing self-signed
 * roots. The trust bundle itself is pushed over ADS (SDS {@code ROOTCA}), so this issuer does not poll it.
 */
public final class GrpcCertificateIssuer implements CertificateIssuer {
    static final String METHOD = "istio.v1.auth.IstioCertificateService/CreateCertificate";
    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> RETRY_AFTER = Metadata.Key.of("retry-after", Metadata.ASCII_STRING_MARSHALLER);
    private static final MethodDescriptor<IstioCertificateMessages.Request, List<String>> CREATE =
            MethodDescriptor.<IstioCertificateMessages.Request, List<String>>newBuilder()
                    .setType(MethodDescriptor.MethodType.UNARY)
                    .setFullMethodName(METHOD)
                    .setRequestMarshaller(IstioCertificateMessages.REQUEST)
                    .setResponseMarshaller(IstioCertificateMessages.RESPONSE)
                    .build();

    private final String target;
    private final ManagedChannel channel;

    /** @param hostPort the control plane's xDS address */
    public GrpcCertificateIssuer(String hostPort) {
        this.target = hostPort;
        this.channel = NettyChannelBuilder.forTarget(hostPort).usePlaintext().build();
    }

    @Override
    public Issued issue(String token, String csrPem, Duration ttl) throws IOException {
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + token);
        List<String> pems;
        try {
            pems = ClientCalls.blockingUnaryCall(io.grpc.ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers)), CREATE,
                    CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
                    new IstioCertificateMessages.Request(csrPem, ttl == null ? 0 : ttl.toSeconds()));
        } catch (StatusRuntimeException e) {
            Status s = e.getStatus();
            String message = s.getCode() + " " + (s.getDescription() == null ? "" : s.getDescription());
            if (s.getCode() == Status.Code.RESOURCE_EXHAUSTED) {
                String after = e.getTrailers() == null ? null : e.getTrailers().get(RETRY_AFTER);
                long seconds = after == null ? 1 : parseOr(after, 1);
                throw new RetryAfter(message, Duration.ofSeconds(Math.max(1, seconds)));
            }
            throw new IOException(message, e);
        }
        return split(pems);
    }

    /** Istio's cert_chain: the workload certificate, intermediates, then the root(s). */
    static Issued split(List<String> pems) throws IOException {
        List<X509Certificate> all = new ArrayList<>();
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            for (String pem : pems) {
                Collection<? extends java.security.cert.Certificate> certs =
                        cf.generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
                certs.forEach(c -> all.add((X509Certificate) c));
            }
        } catch (CertificateException e) {
            throw new IOException("cert_chain: " + e.getMessage() + " (expected: PEM certificates)", e);
        }
        int roots = 0;
        while (roots < all.size() - 1 && selfSigned(all.get(all.size() - 1 - roots))) {
            roots++;
        }
        if (all.isEmpty() || roots == 0) {
            throw new IOException("cert_chain: " + all.size() + " certificate(s) without a root (expected: the workload certificate first, the root last)");
        }
        return new Issued(all.subList(0, all.size() - roots), all.subList(all.size() - roots, all.size()));
    }

    private static boolean selfSigned(X509Certificate c) {
        if (!c.getSubjectX500Principal().equals(c.getIssuerX500Principal())) {
            return false;
        }
        try {
            c.verify(c.getPublicKey());
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static long parseOr(String s, long fallback) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    @Override
    public Optional<List<X509Certificate>> trustBundle() {
        return Optional.empty();
    }

    @Override
    public boolean pollsTrustBundle() {
        return false;
    }

    @Override
    public String describe() {
        return "grpc://" + target;
    }

    @Override
    public void close() {
        channel.shutdownNow();
    }
}
