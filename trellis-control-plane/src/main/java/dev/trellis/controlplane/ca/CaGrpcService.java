package dev.trellis.controlplane.ca;

import dev.trellis.controlplane.ca.grpc.IstioCertificateRequest;
import dev.trellis.controlplane.ca.grpc.IstioCertificateResponse;
import dev.trellis.controlplane.ca.grpc.IstioCertificateServiceGrpc;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The CA over gRPC, as Istio's sidecars call it: {@code istio.v1.auth.IstioCertificateService/CreateCertificate}
 * with the bootstrap token in the {@code authorization: Bearer <token>} metadata. The same
 * {@link CertificateAuthority#issue} as {@code POST /api/v1/certificates}, so the same checks in the same order
 * and the same reasons: 401 is UNAUTHENTICATED, 403 PERMISSION_DENIED, 400 INVALID_ARGUMENT and 429
 * RESOURCE_EXHAUSTED (with a {@code retry-after} trailer in seconds). The chain answered is Istio's: the
 * workload certificate first, then intermediates, then the root they lead to.
 */
public final class CaGrpcService extends IstioCertificateServiceGrpc.IstioCertificateServiceImplBase {
    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    public static final Metadata.Key<String> RETRY_AFTER = Metadata.Key.of("retry-after", Metadata.ASCII_STRING_MARSHALLER);
    private static final Context.Key<String> TOKEN = Context.key("trellis-bootstrap-token");

    private final CertificateAuthority ca;

    private CaGrpcService(CertificateAuthority ca) {
        this.ca = ca;
    }

    /** The service, with the interceptor that takes the bearer token from the call's metadata. */
    public static ServerServiceDefinition of(CertificateAuthority ca) {
        return ServerInterceptors.intercept(new CaGrpcService(ca), new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                String auth = headers.get(AUTHORIZATION);
                String token = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7).trim() : null;
                return Contexts.interceptCall(Context.current().withValue(TOKEN, token), call, headers, next);
            }
        });
    }

    @Override
    public void createCertificate(IstioCertificateRequest request, StreamObserver<IstioCertificateResponse> response) {
        Duration ttl = request.getValidityDuration() > 0 ? Duration.ofSeconds(request.getValidityDuration()) : null;
        IssuedCertificate cert;
        try {
            cert = ca.issue(TOKEN.get(), request.getCsr(), ttl);
        } catch (IssuanceException e) {
            Metadata trailers = new Metadata();
            if (e.reason() == IssuanceException.Reason.RATE_LIMITED) {
                trailers.put(RETRY_AFTER, Long.toString(Math.max(1, e.retryAfter().toSeconds())));
            }
            response.onError(status(e.reason()).withDescription(e.getMessage()).asRuntimeException(trailers));
            return;
        } catch (RuntimeException e) {
            response.onError(Status.INTERNAL.withDescription(e.toString()).asRuntimeException());
            return;
        }
        IstioCertificateResponse.Builder out = IstioCertificateResponse.newBuilder();
        for (X509Certificate c : withRoot(cert)) {
            out.addCertChain(Pem.certificates(List.of(c)));
        }
        response.onNext(out.build());
        response.onCompleted();
    }

    /** The chain followed by the root of the bundle that issued its last certificate. */
    private static List<X509Certificate> withRoot(IssuedCertificate cert) {
        List<X509Certificate> out = new ArrayList<>(cert.chain());
        X509Certificate last = out.get(out.size() - 1);
        for (X509Certificate root : cert.trustBundle()) {
            if (root.getSubjectX500Principal().equals(last.getIssuerX500Principal()) && !root.equals(last)) {
                try {
                    last.verify(root.getPublicKey());
                    out.add(root);
                    break;
                } catch (Exception e) {
                    // another root of the same name (a rotation): keep looking
                }
            }
        }
        return out;
    }

    static Status status(IssuanceException.Reason reason) {
        return switch (reason) {
            case UNAUTHENTICATED -> Status.UNAUTHENTICATED;
            case FORBIDDEN -> Status.PERMISSION_DENIED;
            case BAD_REQUEST -> Status.INVALID_ARGUMENT;
            case RATE_LIMITED -> Status.RESOURCE_EXHAUSTED;
        };
    }
}
