package dev.trellis.demo.metrics;

import java.util.Map;

/**
 * Whether a response series counts as a success: an explicit {@code classification} label wins; otherwise a
 * gRPC status decides for gRPC (0 is success) and the HTTP status for the rest (anything below 500).
 */
public final class ResponseClass {
    private ResponseClass() {}

    public static boolean isSuccess(Map<String, String> labels) {
        String classification = labels.getOrDefault("classification", "");
        if (!classification.isEmpty()) {
            return classification.equalsIgnoreCase("success");
        }
        if (!labels.getOrDefault("error", "").isEmpty()) {
            return false;
        }
        String grpcStatus = labels.getOrDefault("grpc_status", "");
        if (!grpcStatus.isEmpty()) {
            return grpcStatus.equals("0") || grpcStatus.equalsIgnoreCase("OK");
        }
        try {
            int status = Integer.parseInt(labels.getOrDefault("status_code", ""));
            return status > 0 && status < 500;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
