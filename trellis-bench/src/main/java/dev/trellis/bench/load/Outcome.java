package dev.trellis.bench.load;

/**
 * How a request ended, as one int on the hot path: an HTTP status (2xx is success), or one of the negative
 * codes below for requests that got no status.
 */
final class Outcome {
    static final int CONNECTION_LOST = -1;
    static final int STREAM_RESET = -2;
    static final int MALFORMED_RESPONSE = -3;
    static final int REFUSED = -4;

    private Outcome() {
    }

    static boolean isSuccess(int outcome) {
        return outcome >= 200 && outcome < 300;
    }

    static String describe(int outcome) {
        switch (outcome) {
            case CONNECTION_LOST:
                return "connection lost";
            case STREAM_RESET:
                return "stream reset";
            case MALFORMED_RESPONSE:
                return "malformed response";
            case REFUSED:
                return "refused by the connection";
            default:
                return "status " + outcome;
        }
    }
}
