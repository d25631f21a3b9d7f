package dev.trellis.proxy.xds;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.trellis.config.xds.XdsNames;
import dev.trellis.proxy.config.FaultPolicy;
import dev.trellis.proxy.config.RateLimit;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.envoyproxy.envoy.config.core.v3.RuntimeFractionalPercent;
import io.envoyproxy.envoy.config.route.v3.FilterConfig;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.FaultAbort;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import java.time.Duration;
import java.util.Map;

/**
 * A route's typed_per_filter_config (falling back to its virtual host's, as in Envoy) for the two HTTP filters the
 * proxy runs: envoy.filters.http.fault to {@link FaultPolicy} and envoy.filters.http.local_ratelimit to
 * {@link RateLimit}. Envoy's semantics: an unset percentage is 0 %, a rate limit is applied only when both
 * filter_enabled and filter_enforced are 100 % (unset is 0 %: off). A fault's header control is header_delay /
 * header_abort or route metadata trellis.fault.headerControlled; trellis.fault.grpcStatus is the gRPC status of an
 * http_status abort. An abort with only a grpc_status answers plain HTTP requests with the matching HTTP status.
 */
final class RouteFilterDecoder {
    private static final String TYPE = RouteDecoder.TYPE;

    private RouteFilterDecoder() {}

    record Filters(FaultPolicy fault, RateLimit rateLimit) {}

    static void checkNames(Map<String, Any> configs, String table, String field) {
        for (String name : configs.keySet()) {
            if (!name.equals(XdsNames.FAULT) && !name.equals(XdsNames.LOCAL_RATE_LIMIT)) {
                throw new XdsResourceException(TYPE, table, field + ".typed_per_filter_config: " + name
                        + " (expected: " + XdsNames.FAULT + " or " + XdsNames.LOCAL_RATE_LIMIT + ")");
            }
        }
    }

    /** @param field "virtual_hosts[0].routes[1]" */
    static Filters decode(io.envoyproxy.envoy.config.route.v3.Route route, Map<String, Any> virtualHost, String table, String field) {
        checkNames(route.getTypedPerFilterConfigMap(), table, field);
        Any fault = route.getTypedPerFilterConfigOrDefault(XdsNames.FAULT, virtualHost.get(XdsNames.FAULT));
        Any limit = route.getTypedPerFilterConfigOrDefault(XdsNames.LOCAL_RATE_LIMIT, virtualHost.get(XdsNames.LOCAL_RATE_LIMIT));
        String f = field + ".typed_per_filter_config[" + XdsNames.FAULT + "]";
        HTTPFault httpFault = unwrap(fault, HTTPFault.class, table, f);
        String l = field + ".typed_per_filter_config[" + XdsNames.LOCAL_RATE_LIMIT + "]";
        LocalRateLimit rateLimit = unwrap(limit, LocalRateLimit.class, table, l);
        return new Filters(httpFault == null ? null : fault(httpFault, route.getMetadata(), table, f, field),
                rateLimit == null ? null : rateLimit(rateLimit, table, l));
    }

    private static FaultPolicy fault(HTTPFault h, Metadata metadata, String table, String f, String routeField) {
        if (!h.getUpstreamCluster().isEmpty() || h.getHeadersCount() > 0 || h.getDownstreamNodesCount() > 0
                || h.hasMaxActiveFaults() || h.hasResponseRateLimit()) {
            throw new XdsResourceException(TYPE, table, f + ": upstream_cluster, headers, downstream_nodes, max_active_faults or "
                    + "response_rate_limit set (expected: delay and abort only)");
        }
        StructFields meta = new StructFields(TrellisMetadata.struct(metadata, XdsNames.KEY_FAULT), TYPE, table,
                routeField + ".metadata.filter_metadata.trellis." + XdsNames.KEY_FAULT);
        boolean header = meta.bool(XdsNames.KEY_HEADER_CONTROLLED, false);
        FaultPolicy.Delay delay = null;
        if (h.hasDelay()) {
            var d = h.getDelay();
            switch (d.getFaultDelaySecifierCase()) {
                case FIXED_DELAY -> {
                    Duration fixed = Durations.of(d.getFixedDelay(), TYPE, table, f + ".delay.fixed_delay");
                    if (fixed.isZero()) {
                        throw new XdsResourceException(TYPE, table, f + ".delay.fixed_delay: 0s (expected: > 0)");
                    }
                    delay = new FaultPolicy.Delay(percent(d.getPercentage()), fixed);
                }
                case HEADER_DELAY -> header = headerControl(d.getPercentage(), table, f + ".delay");
                default -> throw new XdsResourceException(TYPE, table, f + ".delay: no fixed_delay or header_delay (expected: one)");
            }
        }
        FaultPolicy.Abort abort = null;
        if (h.hasAbort()) {
            FaultAbort a = h.getAbort();
            switch (a.getErrorTypeCase()) {
                case HTTP_STATUS -> {
                    if (a.getHttpStatus() < 200 || a.getHttpStatus() > 599) {
                        throw new XdsResourceException(TYPE, table, f + ".abort.http_status: "
                                + Integer.toUnsignedString(a.getHttpStatus()) + " (expected: 200..599)");
                    }
                    Integer grpc = meta.has(XdsNames.KEY_GRPC_STATUS) ? meta.integer(XdsNames.KEY_GRPC_STATUS, 0, 1, 16) : null;
                    abort = new FaultPolicy.Abort(percent(a.getPercentage()), a.getHttpStatus(), grpc);
                }
                case GRPC_STATUS -> {
                    if (a.getGrpcStatus() < 1 || a.getGrpcStatus() > 16) {
                        throw new XdsResourceException(TYPE, table, f + ".abort.grpc_status: "
                                + Integer.toUnsignedString(a.getGrpcStatus()) + " (expected: 1..16)");
                    }
                    abort = new FaultPolicy.Abort(percent(a.getPercentage()), httpStatusOf(a.getGrpcStatus()), a.getGrpcStatus());
                }
                case HEADER_ABORT -> header = headerControl(a.getPercentage(), table, f + ".abort");
                default -> throw new XdsResourceException(TYPE, table, f + ".abort: no http_status, grpc_status or header_abort (expected: one)");
            }
        }
        return delay == null && abort == null && !header ? null : new FaultPolicy(delay, abort, header);
    }

    /** Header control applies to every request that asks: the percentage must be all of them. */
    private static boolean headerControl(FractionalPercent p, String table, String field) {
        if (percent(p) != 100) {
            throw new XdsResourceException(TYPE, table, field + ".percentage: " + percent(p)
                    + "% (expected: 100% with header control; the header decides)");
        }
        return true;
    }

    private static RateLimit rateLimit(LocalRateLimit r, String table, String f) {
        if (r.getDescriptorsCount() > 0 || r.getRateLimitsCount() > 0 || r.getLocalRateLimitPerDownstreamConnection()
                || r.hasLocalClusterRateLimit()) {
            throw new XdsResourceException(TYPE, table, f + ": descriptors, rate_limits, local_cluster_rate_limit or "
                    + "local_rate_limit_per_downstream_connection set (expected: a token_bucket only)");
        }
        if (r.hasStatus() && r.getStatus().getCodeValue() != 429) {
            throw new XdsResourceException(TYPE, table, f + ".status: " + r.getStatus().getCodeValue() + " (expected: 429)");
        }
        double enabled = percent(r.getFilterEnabled());
        double enforced = percent(r.getFilterEnforced());
        if (enabled == 0 || enforced == 0) {
            return null; // Envoy's default: off, or counting without enforcing
        }
        if (enabled != 100 || enforced != 100) {
            throw new XdsResourceException(TYPE, table, f + ".filter_enabled/filter_enforced: " + enabled + "%/" + enforced
                    + "% (expected: 100% or 0%)");
        }
        if (!r.hasTokenBucket()) {
            throw new XdsResourceException(TYPE, table, f + ".token_bucket: missing (expected: a token bucket)");
        }
        var bucket = r.getTokenBucket();
        long maxTokens = Integer.toUnsignedLong(bucket.getMaxTokens());
        long perFill = bucket.hasTokensPerFill() ? Integer.toUnsignedLong(bucket.getTokensPerFill().getValue()) : 1;
        Duration fill = Durations.of(bucket.getFillInterval(), TYPE, table, f + ".token_bucket.fill_interval");
        try {
            return new RateLimit(maxTokens, perFill, fill);
        } catch (IllegalArgumentException e) {
            throw new XdsResourceException(TYPE, table, f + ".token_bucket: " + e.getMessage());
        }
    }

    /** Route-level FilterConfig wrappers are unwrapped; a disabled one is none. */
    private static <T extends Message> T unwrap(Any any, Class<T> type, String table, String field) {
        if (any == null) {
            return null;
        }
        if (any.is(FilterConfig.class)) {
            FilterConfig wrapper = unpack(any, FilterConfig.class, table, field);
            return wrapper.getDisabled() ? null : unpack(wrapper.getConfig(), type, table, field + ".config");
        }
        return unpack(any, type, table, field);
    }

    static <T extends Message> T unpack(Any any, Class<T> type, String table, String field) {
        try {
            return any.unpack(type);
        } catch (InvalidProtocolBufferException e) {
            throw new XdsResourceException(TYPE, table, field + ": " + any.getTypeUrl() + " (expected: " + type.getSimpleName() + ")");
        }
    }

    private static double percent(RuntimeFractionalPercent p) {
        return p.hasDefaultValue() ? percent(p.getDefaultValue()) : 0;
    }

    /** Envoy caps a fraction above one at 100 %. */
    static double percent(FractionalPercent p) {
        double denominator = switch (p.getDenominator()) {
            case TEN_THOUSAND -> 10_000;
            case MILLION -> 1_000_000;
            default -> 100;
        };
        return Math.min(100, Integer.toUnsignedLong(p.getNumerator()) * 100 / denominator);
    }

    /** The HTTP status a gRPC status corresponds to (as gRPC gateways map them). */
    static int httpStatusOf(int grpcStatus) {
        return switch (grpcStatus) {
            case 1 -> 499;
            case 3, 9, 11 -> 400;
            case 4 -> 504;
            case 5 -> 404;
            case 6, 10 -> 409;
            case 7 -> 403;
            case 8 -> 429;
            case 12 -> 501;
            case 14 -> 503;
            case 16 -> 401;
            default -> 500;
        };
    }
}
