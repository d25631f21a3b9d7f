package dev.trellis.proxy.xds;

import dev.trellis.config.xds.XdsNames;
import dev.trellis.proxy.config.RetryPolicy;
import dev.trellis.proxy.config.RetryPolicy.RetryOn;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * A route's Envoy retry_policy to {@link RetryPolicy}, with Envoy's defaults: no retry_policy at all means
 * {@link RetryPolicy#DEFAULT} (Trellis retries connect failures and refused streams unless told otherwise), an
 * unset num_retries means 1, an unset retry_back_off 25 ms doubling up to 250 ms, an unset max_interval ten times
 * the base. The knobs Envoy has no field for come from route metadata trellis.retry {nonIdempotent, maxReplayBytes};
 * without it the replay limit is per_request_buffer_limit_bytes (Envoy does not retry requests larger than that
 * buffer either), else 64 KiB.
 */
final class RetryPolicyDecoder {
    /** Envoy's retry_on names for the gRPC status codes it can retry on. */
    static final Map<String, Integer> GRPC_CONDITIONS = Map.of(
            "cancelled", 1, "deadline-exceeded", 4, "resource-exhausted", 8, "internal", 13, "unavailable", 14);
    static final Map<String, RetryOn> HTTP_CONDITIONS = Map.of(
            "connect-failure", RetryOn.CONNECT_FAILURE,
            "refused-stream", RetryOn.REFUSED_STREAM,
            "reset", RetryOn.RESET,
            "5xx", RetryOn.SERVER_ERROR,
            "gateway-error", RetryOn.GATEWAY_ERROR,
            "retriable-status-codes", RetryOn.RETRIABLE_STATUS_CODES);
    static final String CONDITION_NAMES = "connect-failure, refused-stream, reset, 5xx, gateway-error, retriable-status-codes, "
            + "cancelled, deadline-exceeded, internal, resource-exhausted, unavailable";
    static final Duration ENVOY_BASE_INTERVAL = Duration.ofMillis(25);
    private static final String TYPE = RouteDecoder.TYPE;

    private RetryPolicyDecoder() {}

    /**
     * @param policy      the route's retry_policy, else its virtual host's, else null
     * @param route       the route, for its metadata and per_request_buffer_limit_bytes
     * @param field       "virtual_hosts[0].routes[1]"
     */
    static RetryPolicy decode(io.envoyproxy.envoy.config.route.v3.RetryPolicy policy, io.envoyproxy.envoy.config.route.v3.Route route,
                              String table, String field) {
        StructFields knobs = new StructFields(TrellisMetadata.struct(route.getMetadata(), XdsNames.KEY_RETRY), TYPE, table,
                field + ".metadata.filter_metadata.trellis." + XdsNames.KEY_RETRY);
        int replayDefault = route.hasPerRequestBufferLimitBytes()
                ? (int) Math.min(Integer.MAX_VALUE, Integer.toUnsignedLong(route.getPerRequestBufferLimitBytes().getValue()))
                : RetryPolicy.DEFAULT_MAX_REPLAY_BYTES;
        boolean nonIdempotent = knobs.bool(XdsNames.KEY_NON_IDEMPOTENT, false);
        int maxReplayBytes = knobs.integer(XdsNames.KEY_MAX_REPLAY_BYTES, replayDefault, 0, Integer.MAX_VALUE);
        if (policy == null) {
            RetryPolicy d = RetryPolicy.DEFAULT;
            return new RetryPolicy(d.maxRetries(), d.retryOn(), d.statusCodes(), d.grpcCodes(), d.baseBackoff(), d.maxBackoff(),
                    d.perTryTimeout(), nonIdempotent, maxReplayBytes);
        }
        String f = field + ".route.retry_policy";
        unsupported(policy, table, f);
        Set<RetryOn> on = EnumSet.noneOf(RetryOn.class);
        Set<Integer> grpc = new LinkedHashSet<>();
        for (String condition : policy.getRetryOn().split(",")) {
            String c = condition.trim();
            if (c.isEmpty()) {
                continue;
            }
            if (HTTP_CONDITIONS.containsKey(c)) {
                on.add(HTTP_CONDITIONS.get(c));
            } else if (GRPC_CONDITIONS.containsKey(c)) {
                grpc.add(GRPC_CONDITIONS.get(c));
            } else {
                throw new XdsResourceException(TYPE, table, f + ".retry_on: " + c + " (expected: " + CONDITION_NAMES + ")");
            }
        }
        long retries = policy.hasNumRetries() ? Integer.toUnsignedLong(policy.getNumRetries().getValue()) : 1;
        if (retries > Integer.MAX_VALUE) {
            throw new XdsResourceException(TYPE, table, f + ".num_retries: " + retries + " (expected: <= " + Integer.MAX_VALUE + ")");
        }
        Set<Integer> statuses = new LinkedHashSet<>();
        for (int status : policy.getRetriableStatusCodesList()) {
            if (status < 100 || status > 599) {
                throw new XdsResourceException(TYPE, table, f + ".retriable_status_codes: " + Integer.toUnsignedString(status)
                        + " (expected: 100..599)");
            }
            statuses.add(status);
        }
        Duration base = ENVOY_BASE_INTERVAL;
        Duration max = ENVOY_BASE_INTERVAL.multipliedBy(10);
        if (policy.hasRetryBackOff()) {
            var backOff = policy.getRetryBackOff();
            base = Durations.of(backOff.getBaseInterval(), TYPE, table, f + ".retry_back_off.base_interval");
            if (base.isZero()) {
                throw new XdsResourceException(TYPE, table, f + ".retry_back_off.base_interval: 0s (expected: > 0)");
            }
            max = backOff.hasMaxInterval() ? Durations.of(backOff.getMaxInterval(), TYPE, table, f + ".retry_back_off.max_interval")
                    : base.multipliedBy(10);
            if (max.compareTo(base) < 0) {
                throw new XdsResourceException(TYPE, table, f + ".retry_back_off.max_interval: " + max
                        + " (expected: >= base_interval " + base + ")");
            }
        }
        Duration perTry = policy.hasPerTryTimeout() ? Durations.of(policy.getPerTryTimeout(), TYPE, table, f + ".per_try_timeout")
                : Duration.ZERO;
        return new RetryPolicy((int) retries, on, statuses, grpc, base, max, perTry, nonIdempotent, maxReplayBytes);
    }

    /** Fields that would change which attempts are retried, or where, in ways the proxy does not implement. */
    private static void unsupported(io.envoyproxy.envoy.config.route.v3.RetryPolicy p, String table, String f) {
        String field = null;
        if (p.hasPerTryIdleTimeout()) {
            field = "per_try_idle_timeout";
        } else if (p.hasRetryPriority()) {
            field = "retry_priority";
        } else if (p.getRetryOptionsPredicatesCount() > 0) {
            field = "retry_options_predicates";
        } else if (p.hasRateLimitedRetryBackOff()) {
            field = "rate_limited_retry_back_off";
        } else if (p.getRetriableHeadersCount() > 0) {
            field = "retriable_headers";
        } else if (p.getRetriableRequestHeadersCount() > 0) {
            field = "retriable_request_headers";
        }
        if (field != null) {
            throw new XdsResourceException(TYPE, table, f + "." + field + ": set (expected: unset; not supported)");
        }
        for (int i = 0; i < p.getRetryHostPredicateCount(); i++) {
            String name = p.getRetryHostPredicate(i).getName();
            if (!name.equals(XdsNames.PREVIOUS_HOSTS)) {
                // a retry always avoids the endpoints already tried: previous_hosts is what the proxy does anyway
                throw new XdsResourceException(TYPE, table, f + ".retry_host_predicate[" + i + "].name: " + name
                        + " (expected: " + XdsNames.PREVIOUS_HOSTS + ")");
            }
        }
    }
}
