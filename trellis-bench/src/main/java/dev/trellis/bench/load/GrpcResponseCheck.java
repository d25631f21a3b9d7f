package dev.trellis.bench.load;

import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;

/**
 * A unary gRPC call succeeds only with {@code :status 200} and then {@code grpc-status: 0}, in the trailers or
 * in a trailers-only response (one HEADERS frame that carries both). A 200 without a grpc-status yet is held as
 * {@link Outcome#MISSING_GRPC_STATUS}, so a stream that ends there counts as failed.
 */
final class GrpcResponseCheck implements ResponseCheck {
    static final GrpcResponseCheck INSTANCE = new GrpcResponseCheck();
    private static final AsciiString GRPC_STATUS = AsciiString.cached("grpc-status");
    private static final int OK = 200;

    private GrpcResponseCheck() {
    }

    @Override
    public Integer onHeaders(Integer soFar, Http2Headers headers) {
        Integer outcome = soFar;
        CharSequence status = headers.status();
        if (status != null) {
            int httpStatus = ResponseCheck.parseStatus(status);
            if (httpStatus == OK) {
                outcome = Outcome.MISSING_GRPC_STATUS;
            } else {
                // gRPC answers 200 or not at all: any other 2xx is no success either.
                outcome = Outcome.isSuccess(httpStatus) ? Outcome.MALFORMED_RESPONSE : httpStatus;
            }
        }
        CharSequence grpcStatus = headers.get(GRPC_STATUS);
        if (grpcStatus != null && outcome != null && outcome == Outcome.MISSING_GRPC_STATUS) {
            outcome = outcomeOf(grpcStatus);
        }
        return outcome;
    }

    private static int outcomeOf(CharSequence grpcStatus) {
        int length = grpcStatus.length();
        if (length == 0 || length > 3) {
            return Outcome.MALFORMED_RESPONSE;
        }
        int code = 0;
        for (int i = 0; i < length; i++) {
            char c = grpcStatus.charAt(i);
            if (c < '0' || c > '9') {
                return Outcome.MALFORMED_RESPONSE;
            }
            code = code * 10 + (c - '0');
        }
        return code == 0 ? OK : Outcome.grpcStatus(code);
    }
}
