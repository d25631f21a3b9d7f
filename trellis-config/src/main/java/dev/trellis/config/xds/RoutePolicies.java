package dev.trellis.config.xds;

import com.google.protobuf.Any;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.Value;
import dev.trellis.config.resource.Fault;
import dev.trellis.config.resource.GrpcCode;
import dev.trellis.config.resource.RateLimit;
import dev.trellis.config.resource.Retry;
import io.envoyproxy.envoy.config.core.v3.RuntimeFractionalPercent;
import io.envoyproxy.envoy.config.route.v3.FilterConfig;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.extensions.filters.common.fault.v3.FaultDelay;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.FaultAbort;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import io.envoyproxy.envoy.type.v3.TokenBucket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The per-route policies in Envoy's terms: retry_policy on the RouteAction, the fault and local rate limit filters'
 * per-route configuration (typed_per_filter_config), and filter metadata "trellis" for what Envoy has no field for.
 */
final class RoutePolicies {
    /** As Istio: a retry looks this many times for an endpoint it has not tried yet. */
    static final int HOST_SELECTION_ATTEMPTS = 5;

    private RoutePolicies() {}

    /**
     * @param perTryTimeout one attempt's limit (the rule's backendRequest timeout), or null
     * @param fault         null for none
     * @param rateLimit     null for none
     */
    static void apply(Route.Builder route, RouteAction.Builder action, Retry retry, Duration perTryTimeout, Fault fault,
                      RateLimit rateLimit) {
        action.setRetryPolicy(retryPolicy(retry, perTryTimeout));
        // Envoy replays request bodies up to this limit and does not retry larger ones: the same rule
        route.setPerRequestBufferLimitBytes(UInt32Value.of(retry.maxReplayBytes()));
        Map<String, Value> meta = new LinkedHashMap<>();
        meta.put(XdsNames.KEY_RETRY, Protos.object(Map.of(
                XdsNames.KEY_NON_IDEMPOTENT, Protos.bool(retry.nonIdempotent()),
                XdsNames.KEY_MAX_REPLAY_BYTES, Protos.number(retry.maxReplayBytes()))));
        if (fault != null) {
            route.putTypedPerFilterConfig(XdsNames.FAULT, Any.pack(fault(fault)));
            Map<String, Value> extra = new LinkedHashMap<>();
            if (fault.headerControlled()) {
                extra.put(XdsNames.KEY_HEADER_CONTROLLED, Protos.bool(true));
            }
            if (fault.abort() != null && fault.abort().httpStatus() != null && fault.abort().grpcStatus() != null) {
                extra.put(XdsNames.KEY_GRPC_STATUS, Protos.number(fault.abort().grpcStatus()));
            }
            if (!extra.isEmpty()) {
                meta.put(XdsNames.KEY_FAULT, Protos.object(extra));
            }
        }
        if (rateLimit != null) {
            // optional: a client without the filter (a proxyless gRPC client) skips it rather than refusing the route
            route.putTypedPerFilterConfig(XdsNames.LOCAL_RATE_LIMIT, Any.pack(FilterConfig.newBuilder()
                    .setConfig(Any.pack(rateLimit(rateLimit)))
                    .setIsOptional(true)
                    .build()));
        }
        route.setMetadata(Protos.trellisMetadata(meta));
    }

    static RetryPolicy retryPolicy(Retry retry, Duration perTryTimeout) {
        List<String> on = new ArrayList<>();
        retry.on().stream().sorted().forEach(c -> on.add(c.yamlName()));
        retry.grpcCodes().stream().sorted().forEach(c -> on.add(GrpcCode.of(c).envoyName()));
        RetryPolicy.Builder b = RetryPolicy.newBuilder()
                .setRetryOn(String.join(",", on))
                .setNumRetries(UInt32Value.of(retry.attempts()))
                .addAllRetriableStatusCodes(retry.codes().stream().sorted(Comparator.naturalOrder()).toList())
                .setRetryBackOff(RetryPolicy.RetryBackOff.newBuilder()
                        .setBaseInterval(Protos.duration(retry.backoff()))
                        .setMaxInterval(Protos.duration(retry.maxBackoff())));
        if (retry.attempts() > 0) {
            // a retry goes to another endpoint
            b.addRetryHostPredicate(RetryPolicy.RetryHostPredicate.newBuilder()
                            .setName(XdsNames.PREVIOUS_HOSTS)
                            .setTypedConfig(Any.pack(PreviousHostsPredicate.getDefaultInstance())))
                    .setHostSelectionRetryMaxAttempts(HOST_SELECTION_ATTEMPTS);
        }
        if (perTryTimeout != null && !perTryTimeout.isZero()) {
            b.setPerTryTimeout(Protos.duration(perTryTimeout));
        }
        return b.build();
    }

    /**
     * Header control is Envoy's header_delay / header_abort, used for whichever of delay and abort has no fixed
     * value (a one-of in Envoy); the route metadata says it regardless.
     */
    static HTTPFault fault(Fault fault) {
        HTTPFault.Builder f = HTTPFault.newBuilder();
        if (fault.delay() != null) {
            f.setDelay(FaultDelay.newBuilder()
                    .setFixedDelay(Protos.duration(fault.delay().fixedDelay()))
                    .setPercentage(Protos.percent(fault.delay().percent())));
        } else if (fault.headerControlled()) {
            f.setDelay(FaultDelay.newBuilder()
                    .setHeaderDelay(FaultDelay.HeaderDelay.getDefaultInstance())
                    .setPercentage(Protos.percent(100)));
        }
        if (fault.abort() != null) {
            FaultAbort.Builder a = FaultAbort.newBuilder().setPercentage(Protos.percent(fault.abort().percent()));
            if (fault.abort().httpStatus() != null) {
                a.setHttpStatus(fault.abort().httpStatus());
            } else {
                a.setGrpcStatus(fault.abort().grpcStatus());
            }
            f.setAbort(a);
        } else if (fault.headerControlled()) {
            f.setAbort(FaultAbort.newBuilder()
                    .setHeaderAbort(FaultAbort.HeaderAbort.getDefaultInstance())
                    .setPercentage(Protos.percent(100)));
        }
        return f.build();
    }

    /** A token bucket of {@code burst} tokens refilled with {@code requestsPerSecond} each second, always enforced. */
    static LocalRateLimit rateLimit(RateLimit limit) {
        return LocalRateLimit.newBuilder()
                .setStatPrefix(XdsNames.LOCAL_RATE_LIMIT_STAT_PREFIX)
                .setTokenBucket(TokenBucket.newBuilder()
                        .setMaxTokens(limit.burst())
                        .setTokensPerFill(UInt32Value.of(limit.requestsPerSecond()))
                        .setFillInterval(Protos.duration(Duration.ofSeconds(1))))
                .setFilterEnabled(always("local_rate_limit_enabled"))
                .setFilterEnforced(always("local_rate_limit_enforced"))
                .build();
    }

    private static RuntimeFractionalPercent always(String runtimeKey) {
        return RuntimeFractionalPercent.newBuilder()
                .setDefaultValue(FractionalPercent.newBuilder().setNumerator(100).setDenominator(FractionalPercent.DenominatorType.HUNDRED))
                .setRuntimeKey(runtimeKey)
                .build();
    }
}
