package dev.trellis.proxy.http;

/** The gRPC {@code grpc-timeout} header: "100m", "5S", "1H" (gRPC over HTTP/2 spec). */
final class GrpcTimeout {
    static final String HEADER = "grpc-timeout";

    private GrpcTimeout() {
    }

    /** Milliseconds (at least 1), or -1 when absent or malformed. */
    static long parseMillis(String v) {
        if (v == null || v.length() < 2 || v.length() > 9) {
            return -1;
        }
        long n;
        try {
            n = Long.parseLong(v.substring(0, v.length() - 1));
        } catch (NumberFormatException e) {
            return -1;
        }
        if (n < 0) {
            return -1;
        }
        switch (v.charAt(v.length() - 1)) {
            case 'H': return n * 3_600_000;
            case 'M': return n * 60_000;
            case 'S': return n * 1000;
            case 'm': return Math.max(1, n);
            case 'u': return Math.max(1, n / 1000);
            case 'n': return Math.max(1, n / 1_000_000);
            default: return -1;
        }
    }

    static String format(long millis) {
        return Math.max(1, millis) + "m";
    }
}
