package dev.trellis.bench.load;

/**
 * How a request ended, as one int on the hot path: an HTTP status (2xx is success), or one of the negative
 * codes below for requests that got no status or, over gRPC, a non-zero grpc-status.
 */
final class Outcome {
    static final int CONNECTION_LOST = -1;
    static final int STREAM_RESET = -2;
    static final int MALFORMED_RESPONSE = -3;
    static final int REFUSED = -4;
    /** A gRPC response that ended without a grpc-status. */
    static final int MISSING_GRPC_STATUS = -5;
    /** grpc-status {@code n} (1..16, or an unknown code) is {@code GRPC_STATUS_BASE - n}. */
    private static final int GRPC_STATUS_BASE = -100;

    private Outcome() {
    }

    static boolean isSuccess(int outcome) {
        return outcome >= 200 && outcome < 300;
    }

    /** A failed gRPC call: its non-zero grpc-status. */
    static int grpcStatus(int code) {
        return GRPC_STATUS_BASE - code;
    }

    static String describe(int outcome) {
        if (outcome <= GRPC_STATUS_BASE) {
            return "grpc-status " + (GRPC_STATUS_BASE - outcome);
        }
        switch (outcome) {
            case CONNECTION_LOST:
                return "connection lost";
            case STREAM_RESET:
                return "stream reset";
            case MALFORMED_RESPONSE:
                return "malformed response";
            case REFUSED:
                return "refused by the connection";
            case MISSING_GRPC_STATUS:
                return "no grpc-status";
            default:
                return "status " + outcome;
        }
    }
}
