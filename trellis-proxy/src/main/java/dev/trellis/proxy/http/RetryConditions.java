package dev.trellis.proxy.http;

import dev.trellis.proxy.config.RetryPolicy;
import dev.trellis.proxy.config.RetryPolicy.RetryOn;
import io.netty.handler.codec.http.HttpMethod;

/**
 * What a route's retry policy says about one failed attempt, before budgets, breakers and deadlines have their say:
 * Envoy's retry_on conditions, and the rule that a request the upstream may have processed is retried only when
 * repeating it is safe (an idempotent method, or a policy that says so).
 */
final class RetryConditions {
    private RetryConditions() {
    }

    /** An upstream response that the policy retries: 5xx, gateway errors, listed statuses or listed gRPC statuses. */
    static boolean retryableStatus(RetryPolicy retry, int code, String grpcStatus) {
        var on = retry.retryOn();
        if (on.contains(RetryOn.SERVER_ERROR) && code >= 500
                || on.contains(RetryOn.GATEWAY_ERROR) && (code == 502 || code == 503 || code == 504)
                || on.contains(RetryOn.RETRIABLE_STATUS_CODES) && retry.statusCodes().contains(code)) {
            return true;
        }
        if (grpcStatus != null && !retry.grpcCodes().isEmpty()) {
            try {
                return retry.grpcCodes().contains(Integer.parseInt(grpcStatus.trim()));
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return false;
    }

    /**
     * Whether the policy allows another attempt after {@code failure} (or, {@code byStatus}, after a retryable
     * status), given the request's method and whether it is gRPC.
     */
    static boolean allowed(RetryPolicy retry, Attempt.Failure failure, boolean byStatus, HttpMethod method, boolean grpc) {
        var on = retry.retryOn();
        if (!byStatus) {
            boolean wanted = switch (failure) {
                case CONNECT -> on.contains(RetryOn.CONNECT_FAILURE);
                case REFUSED -> on.contains(RetryOn.REFUSED_STREAM) || on.contains(RetryOn.RESET);
                case RESET -> on.contains(RetryOn.RESET);
                default -> on.contains(RetryOn.RESET) || on.contains(RetryOn.GATEWAY_ERROR) || on.contains(RetryOn.SERVER_ERROR);
            };
            if (!wanted) {
                return false;
            }
        }
        // a request that never reached the application may always go elsewhere
        boolean neverProcessed = !byStatus && (failure == Attempt.Failure.CONNECT || failure == Attempt.Failure.REFUSED);
        return neverProcessed || idempotent(method) || retry.retryNonIdempotent() || grpc && !retry.grpcCodes().isEmpty();
    }

    static boolean idempotent(HttpMethod m) {
        return m.equals(HttpMethod.GET) || m.equals(HttpMethod.HEAD) || m.equals(HttpMethod.OPTIONS)
                || m.equals(HttpMethod.TRACE) || m.equals(HttpMethod.PUT) || m.equals(HttpMethod.DELETE);
    }
}
