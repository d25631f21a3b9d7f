package dev.trellis.proxy.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import com.google.protobuf.Struct;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.Value;
import dev.trellis.proxy.config.CircuitBreakers;
import dev.trellis.proxy.config.FaultPolicy;
import dev.trellis.proxy.config.HealthCheck;
import dev.trellis.proxy.config.OutlierDetection;
import dev.trellis.proxy.config.RateLimit;
import dev.trellis.proxy.config.RetryBudget;
import dev.trellis.proxy.config.RetryPolicy.RetryOn;
import dev.trellis.proxy.config.RouteAction;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.HealthCheck.HttpHealthCheck;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.envoyproxy.envoy.config.core.v3.RoutingPriority;
import io.envoyproxy.envoy.config.core.v3.RuntimeFractionalPercent;
import io.envoyproxy.envoy.config.route.v3.FilterConfig;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.common.fault.v3.FaultDelay;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.FaultAbort;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import io.envoyproxy.envoy.type.v3.FractionalPercent.DenominatorType;
import io.envoyproxy.envoy.type.v3.Percent;
import io.envoyproxy.envoy.type.v3.TokenBucket;
import java.time.Duration;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Hand-made xDS: Envoy's defaults for unset resilience fields, and what the proxy refuses. */
class ResilienceDecoderTest {
    static final String FAULT = "envoy.filters.http.fault";
    static final String LIMIT = "envoy.filters.http.local_ratelimit";

    static Route.Builder route() {
        return Route.newBuilder().setName("r").setMatch(RouteMatch.newBuilder().setPrefix("/"))
                .setRoute(io.envoyproxy.envoy.config.route.v3.RouteAction.newBuilder().setCluster("c"));
    }

    static RouteAction decode(Route.Builder r) {
        return decode(r, vh -> vh);
    }

    static RouteAction decode(Route.Builder r, UnaryOperator<VirtualHost.Builder> vh) {
        RouteConfiguration rc = RouteConfiguration.newBuilder().setName("t")
                .addVirtualHosts(vh.apply(VirtualHost.newBuilder().setName("vh").addDomains("*").addRoutes(r))).build();
        return RouteDecoder.decode(rc).virtualHosts().get(0).routes().get(0).action();
    }

    static Route.Builder withRetry(RetryPolicy.Builder p) {
        Route.Builder r = route();
        r.getRouteBuilder().setRetryPolicy(p);
        return r;
    }

    static com.google.protobuf.Duration millis(long ms) {
        return com.google.protobuf.Duration.newBuilder().setSeconds(ms / 1000).setNanos((int) (ms % 1000) * 1_000_000).build();
    }

    static FractionalPercent percent(int n, DenominatorType d) {
        return FractionalPercent.newBuilder().setNumerator(n).setDenominator(d).build();
    }

    static Metadata trellis(String key, Struct value) {
        return Metadata.newBuilder().putFilterMetadata("trellis", Struct.newBuilder()
                .putFields(key, Value.newBuilder().setStructValue(value).build()).build()).build();
    }

    static Value number(double n) {
        return Value.newBuilder().setNumberValue(n).build();
    }

    @Test
    void envoysRetryDefaults() {
        var retry = decode(withRetry(RetryPolicy.newBuilder().setRetryOn("5xx, unavailable,internal"))).retry();
        assertThat(retry.maxRetries()).isEqualTo(1); // Envoy's num_retries default
        assertThat(retry.retryOn()).containsExactly(RetryOn.SERVER_ERROR);
        assertThat(retry.grpcCodes()).containsExactlyInAnyOrder(13, 14);
        assertThat(retry.baseBackoff()).isEqualTo(Duration.ofMillis(25));
        assertThat(retry.maxBackoff()).isEqualTo(Duration.ofMillis(250));
        assertThat(retry.perTryTimeout()).isZero();
        assertThat(retry.retryNonIdempotent()).isFalse();
        assertThat(retry.maxReplayBytes()).isEqualTo(65536);

        var backoff = decode(withRetry(RetryPolicy.newBuilder().setRetryBackOff(RetryPolicy.RetryBackOff.newBuilder()
                .setBaseInterval(millis(100))))).retry();
        assertThat(backoff.maxBackoff()).isEqualTo(Duration.ofSeconds(1)); // ten times the base
        assertThat(backoff.retryOn()).isEmpty();
    }

    @Test
    void replayLimitFromMetadataElseTheBufferLimit() {
        Route.Builder buffered = withRetry(RetryPolicy.newBuilder().setRetryOn("reset")).setPerRequestBufferLimitBytes(UInt32Value.of(4096));
        assertThat(decode(buffered).retry().maxReplayBytes()).isEqualTo(4096);
        Route.Builder knobs = buffered.clone().setMetadata(trellis("retry", Struct.newBuilder()
                .putFields("nonIdempotent", Value.newBuilder().setBoolValue(true).build())
                .putFields("maxReplayBytes", number(100)).build()));
        assertThat(decode(knobs).retry()).extracting(r -> r.retryNonIdempotent(), r -> r.maxReplayBytes()).containsExactly(true, 100);
        // no retry_policy: the default policy, with the knobs
        Route.Builder bare = route().setMetadata(knobs.getMetadata());
        assertThat(decode(bare).retry().retryOn()).isEqualTo(dev.trellis.proxy.config.RetryPolicy.DEFAULT.retryOn());
        assertThat(decode(bare).retry().maxReplayBytes()).isEqualTo(100);

        assertThatThrownBy(() -> decode(route().setMetadata(trellis("retry", Struct.newBuilder().putFields("maxReplayBytes", number(-1)).build()))))
                .hasMessage("route configuration t: virtual_hosts[0].routes[0].metadata.filter_metadata.trellis.retry.maxReplayBytes: -1"
                        + " (expected: an integer 0..2147483647)");
        assertThatThrownBy(() -> decode(route().setMetadata(trellis("retry", Struct.newBuilder()
                .putFields("nonIdempotent", Value.newBuilder().setStringValue("yes").build()).build()))))
                .hasMessage("route configuration t: virtual_hosts[0].routes[0].metadata.filter_metadata.trellis.retry.nonIdempotent: \"yes\""
                        + " (expected: true or false)");
    }

    @Test
    void theVirtualHostsRetryPolicyAppliesToRoutesWithoutOne() {
        RetryPolicy vhPolicy = RetryPolicy.newBuilder().setRetryOn("gateway-error").setNumRetries(UInt32Value.of(4)).build();
        assertThat(decode(route(), vh -> vh.setRetryPolicy(vhPolicy)).retry().maxRetries()).isEqualTo(4);
        assertThat(decode(withRetry(RetryPolicy.newBuilder().setNumRetries(UInt32Value.of(1))), vh -> vh.setRetryPolicy(vhPolicy))
                .retry().maxRetries()).isEqualTo(1);
    }

    @Test
    void retryPoliciesTheProxyRefuses() {
        String at = "route configuration t: virtual_hosts[0].routes[0].route.retry_policy.";
        assertThatThrownBy(() -> decode(withRetry(RetryPolicy.newBuilder().setRetryBackOff(RetryPolicy.RetryBackOff.newBuilder()
                .setBaseInterval(millis(100)).setMaxInterval(millis(50))))))
                .hasMessage(at + "retry_back_off.max_interval: PT0.05S (expected: >= base_interval PT0.1S)");
        assertThatThrownBy(() -> decode(withRetry(RetryPolicy.newBuilder().setRetryBackOff(RetryPolicy.RetryBackOff.getDefaultInstance()))))
                .hasMessage(at + "retry_back_off.base_interval: 0s (expected: > 0)");
        assertThatThrownBy(() -> decode(withRetry(RetryPolicy.newBuilder().addRetriableStatusCodes(600))))
                .hasMessage(at + "retriable_status_codes: 600 (expected: 100..599)");
        assertThatThrownBy(() -> decode(withRetry(RetryPolicy.newBuilder().addRetriableHeaders(HeaderMatcher.newBuilder().setName("x")))))
                .hasMessage(at + "retriable_headers: set (expected: unset; not supported)");
        assertThatThrownBy(() -> decode(withRetry(RetryPolicy.newBuilder().addRetryHostPredicate(RetryPolicy.RetryHostPredicate.newBuilder()
                .setName("envoy.retry_host_predicates.omit_canary_hosts")))))
                .hasMessage(at + "retry_host_predicate[0].name: envoy.retry_host_predicates.omit_canary_hosts"
                        + " (expected: envoy.retry_host_predicates.previous_hosts)");
    }

    static Route.Builder withFault(HTTPFault.Builder f) {
        return route().putTypedPerFilterConfig(FAULT, Any.pack(f.build()));
    }

    @Test
    void faults() {
        // an unset percentage is 0 %, as in Envoy
        FaultPolicy f = decode(withFault(HTTPFault.newBuilder()
                .setDelay(FaultDelay.newBuilder().setFixedDelay(millis(20)))
                .setAbort(FaultAbort.newBuilder().setHttpStatus(502).setPercentage(percent(25, DenominatorType.TEN_THOUSAND))))).fault();
        assertThat(f).isEqualTo(new FaultPolicy(new FaultPolicy.Delay(0, Duration.ofMillis(20)), new FaultPolicy.Abort(0.25, 502, null), false));
        FaultPolicy grpc = decode(withFault(HTTPFault.newBuilder().setAbort(FaultAbort.newBuilder().setGrpcStatus(4)
                .setPercentage(percent(100, DenominatorType.HUNDRED))))).fault();
        assertThat(grpc.abort()).isEqualTo(new FaultPolicy.Abort(100, 504, 4));
        FaultPolicy header = decode(withFault(HTTPFault.newBuilder().setAbort(FaultAbort.newBuilder()
                .setHeaderAbort(FaultAbort.HeaderAbort.getDefaultInstance()).setPercentage(percent(100, DenominatorType.HUNDRED))))).fault();
        assertThat(header).isEqualTo(new FaultPolicy(null, null, true));
        assertThat(decode(withFault(HTTPFault.newBuilder())).fault()).isNull();
        // the virtual host's configuration applies to routes without their own; a disabled wrapper turns it off
        Any vhFault = Any.pack(HTTPFault.newBuilder().setAbort(FaultAbort.newBuilder().setHttpStatus(500)).build());
        assertThat(decode(route(), vh -> vh.putTypedPerFilterConfig(FAULT, vhFault)).fault().abort().httpStatus()).isEqualTo(500);
        assertThat(decode(route().putTypedPerFilterConfig(FAULT, Any.pack(FilterConfig.newBuilder().setDisabled(true).build())),
                vh -> vh.putTypedPerFilterConfig(FAULT, vhFault)).fault()).isNull();
    }

    @Test
    void faultsTheProxyRefuses() {
        String at = "route configuration t: virtual_hosts[0].routes[0].typed_per_filter_config[envoy.filters.http.fault]";
        assertThatThrownBy(() -> decode(withFault(HTTPFault.newBuilder().setAbort(FaultAbort.newBuilder().setHttpStatus(600)))))
                .hasMessage(at + ".abort.http_status: 600 (expected: 200..599)");
        assertThatThrownBy(() -> decode(withFault(HTTPFault.newBuilder().setAbort(FaultAbort.newBuilder().setGrpcStatus(0)))))
                .hasMessage(at + ".abort.grpc_status: 0 (expected: 1..16)");
        assertThatThrownBy(() -> decode(withFault(HTTPFault.newBuilder().setDelay(FaultDelay.newBuilder()
                .setHeaderDelay(FaultDelay.HeaderDelay.getDefaultInstance()).setPercentage(percent(50, DenominatorType.HUNDRED))))))
                .hasMessage(at + ".delay.percentage: 50.0% (expected: 100% with header control; the header decides)");
        assertThatThrownBy(() -> decode(withFault(HTTPFault.newBuilder().setDelay(FaultDelay.newBuilder().setFixedDelay(millis(0))))))
                .hasMessage(at + ".delay.fixed_delay: 0s (expected: > 0)");
        assertThatThrownBy(() -> decode(withFault(HTTPFault.newBuilder().setUpstreamCluster("c"))))
                .hasMessage(at + ": upstream_cluster, headers, downstream_nodes, max_active_faults or response_rate_limit set"
                        + " (expected: delay and abort only)");
        assertThatThrownBy(() -> decode(route().putTypedPerFilterConfig(FAULT, Any.pack(LocalRateLimit.getDefaultInstance()))))
                .hasMessage(at + ": type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit (expected: HTTPFault)");
        assertThatThrownBy(() -> decode(withFault(HTTPFault.newBuilder().setAbort(FaultAbort.newBuilder().setHttpStatus(503)))
                .setMetadata(trellis("fault", Struct.newBuilder().putFields("grpcStatus", number(17)).build()))))
                .hasMessage("route configuration t: virtual_hosts[0].routes[0].metadata.filter_metadata.trellis.fault.grpcStatus: 17"
                        + " (expected: an integer 1..16)");
        assertThatThrownBy(() -> decode(route().putTypedPerFilterConfig("envoy.filters.http.cors", Any.getDefaultInstance())))
                .hasMessage("route configuration t: virtual_hosts[0].routes[0].typed_per_filter_config: envoy.filters.http.cors"
                        + " (expected: envoy.filters.http.fault or envoy.filters.http.local_ratelimit)");
        assertThatThrownBy(() -> decode(route(), vh -> vh.putTypedPerFilterConfig("envoy.filters.http.cors", Any.getDefaultInstance())))
                .hasMessage("route configuration t: virtual_hosts[0].typed_per_filter_config: envoy.filters.http.cors"
                        + " (expected: envoy.filters.http.fault or envoy.filters.http.local_ratelimit)");
    }

    static RuntimeFractionalPercent runtime(int percent) {
        return RuntimeFractionalPercent.newBuilder().setDefaultValue(percent(percent, DenominatorType.HUNDRED)).build();
    }

    static LocalRateLimit.Builder limit() {
        return LocalRateLimit.newBuilder().setStatPrefix("x")
                .setTokenBucket(TokenBucket.newBuilder().setMaxTokens(10).setFillInterval(millis(100)))
                .setFilterEnabled(runtime(100)).setFilterEnforced(runtime(100));
    }

    static RouteAction withLimit(LocalRateLimit.Builder l) {
        return decode(route().putTypedPerFilterConfig(LIMIT, Any.pack(l.build())));
    }

    @Test
    void rateLimits() {
        assertThat(withLimit(limit()).rateLimit()).isEqualTo(new RateLimit(10, 1, Duration.ofMillis(100))); // one token per fill by default
        assertThat(withLimit(limit().clearFilterEnabled()).rateLimit()).isNull(); // Envoy: 0 % enabled unless said
        assertThat(withLimit(limit().setFilterEnforced(runtime(0))).rateLimit()).isNull();
        String at = "route configuration t: virtual_hosts[0].routes[0].typed_per_filter_config[envoy.filters.http.local_ratelimit]";
        assertThatThrownBy(() -> withLimit(limit().setFilterEnforced(runtime(50))))
                .hasMessage(at + ".filter_enabled/filter_enforced: 100.0%/50.0% (expected: 100% or 0%)");
        assertThatThrownBy(() -> withLimit(limit().clearTokenBucket()))
                .hasMessage(at + ".token_bucket: missing (expected: a token bucket)");
        assertThatThrownBy(() -> withLimit(limit().setTokenBucket(TokenBucket.newBuilder().setFillInterval(millis(100)))))
                .hasMessage(at + ".token_bucket: maxTokens: 0 (expected: > 0)");
        assertThatThrownBy(() -> withLimit(limit().setStatus(io.envoyproxy.envoy.type.v3.HttpStatus.newBuilder().setCodeValue(503))))
                .hasMessage(at + ".status: 503 (expected: 429)");
    }

    static HttpConnectionManager hcm(HttpFilter... filters) {
        return HttpConnectionManager.newBuilder().setStatPrefix("s")
                .setRds(io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds.newBuilder().setRouteConfigName("t"))
                .addAllHttpFilters(java.util.List.of(filters)).build();
    }

    static String listenerFailure(HttpConnectionManager hcm) {
        var listener = io.envoyproxy.envoy.config.listener.v3.Listener.newBuilder().setName("l")
                .addFilterChains(io.envoyproxy.envoy.config.listener.v3.FilterChain.newBuilder().addFilters(
                        io.envoyproxy.envoy.config.listener.v3.Filter.newBuilder().setName("envoy.filters.network.http_connection_manager")
                                .setTypedConfig(Any.pack(hcm)))).build();
        try {
            ListenerDecoder.decode(listener);
            return null;
        } catch (XdsResourceException e) {
            return e.getMessage();
        }
    }

    @Test
    void listenerHttpFilters() {
        HttpFilter router = HttpFilter.newBuilder().setName("envoy.filters.http.router").build();
        HttpFilter fault = HttpFilter.newBuilder().setName(FAULT).setTypedConfig(Any.pack(HTTPFault.getDefaultInstance())).build();
        HttpFilter limit = HttpFilter.newBuilder().setName(LIMIT).setTypedConfig(Any.pack(LocalRateLimit.newBuilder().setStatPrefix("x").build())).build();
        assertThat(listenerFailure(hcm(fault, limit, router))).isNull();
        assertThat(listenerFailure(hcm(router))).isNull();
        String at = "listener l: filter_chains[0].filters[0].http_filters";
        assertThat(listenerFailure(hcm(router, fault))).isEqualTo(at + "[0].name: envoy.filters.http.router"
                + " (expected: envoy.filters.http.local_ratelimit or envoy.filters.http.fault)");
        assertThat(listenerFailure(hcm(fault, fault, router))).isEqualTo(at + "[1].name: envoy.filters.http.fault (expected: each filter once)");
        assertThat(listenerFailure(hcm(fault))).isEqualTo(at + "[0].name: envoy.filters.http.fault (expected: envoy.filters.http.router)");
        HttpFilter listenerWideFault = fault.toBuilder().setTypedConfig(Any.pack(HTTPFault.newBuilder()
                .setAbort(FaultAbort.newBuilder().setHttpStatus(503)).build())).build();
        assertThat(listenerFailure(hcm(listenerWideFault, router)))
                .isEqualTo(at + "[0].typed_config: a delay or an abort (expected: none; faults are set per route)");
        HttpFilter listenerWideLimit = limit.toBuilder().setTypedConfig(Any.pack(limit().build())).build();
        assertThat(listenerFailure(hcm(listenerWideLimit, router)))
                .isEqualTo(at + "[0].typed_config.token_bucket: set (expected: none; limits are set per route)");
    }

    static Cluster.Builder cluster() {
        return Cluster.newBuilder().setName("c").setType(Cluster.DiscoveryType.EDS);
    }

    static String clusterFailure(Cluster.Builder c) {
        try {
            ClusterDecoder.decode(c.build());
            return null;
        } catch (XdsResourceException e) {
            return e.getMessage();
        }
    }

    @Test
    void envoysClusterDefaults() {
        var bare = ClusterDecoder.decode(cluster().build()).cluster();
        assertThat(bare.circuitBreakers()).isEqualTo(CircuitBreakers.DEFAULT);
        assertThat(bare.outlierDetection()).isNull();
        assertThat(bare.healthCheck()).isNull();
        assertThat(bare.retryBudget()).isEqualTo(RetryBudget.DEFAULT);
        // an empty outlier_detection: Envoy's defaults, gateway failures not enforced, success rate on with 5 hosts
        var envoy = ClusterDecoder.decode(cluster().setOutlierDetection(io.envoyproxy.envoy.config.cluster.v3.OutlierDetection.getDefaultInstance())
                .build()).cluster().outlierDetection();
        assertThat(envoy).isEqualTo(new OutlierDetection(5, 0, Duration.ofSeconds(10), Duration.ofSeconds(30), 10, 5, 100, 1.9, 50));
        // thresholds of another priority never apply; Istio's "unlimited" is as good as unlimited
        var breakers = io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers.newBuilder()
                .addThresholds(io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers.Thresholds.newBuilder()
                        .setPriority(RoutingPriority.HIGH).setMaxRequests(UInt32Value.of(1)))
                .addThresholds(io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers.Thresholds.newBuilder()
                        .setMaxRequests(UInt32Value.of(-1)).setMaxRetries(UInt32Value.of(7)));
        assertThat(ClusterDecoder.decode(cluster().setCircuitBreakers(breakers).build()).cluster().circuitBreakers())
                .isEqualTo(new CircuitBreakers(1024, 1024, Integer.MAX_VALUE, 7));
        var budget = Struct.newBuilder().putFields("ratio", number(0.1)).build();
        assertThat(ClusterDecoder.decode(cluster().setMetadata(trellis("retryBudget", budget)).build()).cluster().retryBudget())
                .isEqualTo(new RetryBudget(0.1, 10, Duration.ofSeconds(10)));
        var check = io.envoyproxy.envoy.config.core.v3.HealthCheck.newBuilder().setTimeout(millis(100)).setInterval(millis(1000))
                .setUnhealthyThreshold(UInt32Value.of(2)).setHealthyThreshold(UInt32Value.of(1))
                .setHttpHealthCheck(HttpHealthCheck.newBuilder().setPath("/health"));
        assertThat(ClusterDecoder.decode(cluster().addHealthChecks(check).build()).cluster().healthCheck())
                .isEqualTo(new HealthCheck("/health", Duration.ofSeconds(1), Duration.ofMillis(100), 2, 1));
    }

    @Test
    void clusterSettingsTheProxyRefuses() {
        var od = io.envoyproxy.envoy.config.cluster.v3.OutlierDetection.newBuilder();
        assertThat(clusterFailure(cluster().setOutlierDetection(od.clone().setEnforcingConsecutive5Xx(UInt32Value.of(50)))))
                .isEqualTo("cluster c: outlier_detection.enforcing_consecutive_5xx: 50 (expected: 0 or 100)");
        assertThat(clusterFailure(cluster().setOutlierDetection(od.clone().setEnforcingFailurePercentage(UInt32Value.of(100)))))
                .isEqualTo("cluster c: outlier_detection: failure percentage, local origin or monitors set"
                        + " (expected: consecutive 5xx, consecutive gateway failures and success rate only)");
        assertThat(clusterFailure(cluster().setOutlierDetection(od.clone().setInterval(millis(1)))))
                .isEqualTo("cluster c: outlier_detection: interval: PT0.001S (expected: >= 10ms)");
        assertThat(clusterFailure(cluster().setOutlierDetection(od.clone().setMaxEjectionPercent(UInt32Value.of(101)))))
                .isEqualTo("cluster c: outlier_detection: maxEjectionPercent: 101 (expected: 0..100)");
        assertThat(clusterFailure(cluster().setOutlierDetection(od).setCommonLbConfig(Cluster.CommonLbConfig.newBuilder()
                .setHealthyPanicThreshold(Percent.newBuilder().setValue(33.3)))))
                .isEqualTo("cluster c: common_lb_config.healthy_panic_threshold: 33.3 (expected: a whole percentage 0..100)");
        var thresholds = io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers.Thresholds.newBuilder();
        assertThat(clusterFailure(cluster().setCircuitBreakers(io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers.newBuilder()
                .addThresholds(thresholds.clone().setMaxRetries(UInt32Value.of(0))))))
                .isEqualTo("cluster c: circuit_breakers.thresholds: maxRetries: 0 (expected: > 0)");
        assertThat(clusterFailure(cluster().setCircuitBreakers(io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers.newBuilder()
                .addThresholds(thresholds).addThresholds(thresholds))))
                .isEqualTo("cluster c: circuit_breakers.thresholds[1].priority: DEFAULT (expected: one threshold per priority)");
        assertThat(clusterFailure(cluster().setCircuitBreakers(io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers.newBuilder()
                .addThresholds(thresholds.clone().setRetryBudget(
                        io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers.Thresholds.RetryBudget.getDefaultInstance())))))
                .isEqualTo("cluster c: circuit_breakers.thresholds[0].retry_budget: set (expected: none; the retry budget is"
                        + " metadata filter_metadata.trellis.retryBudget)");
        var check = io.envoyproxy.envoy.config.core.v3.HealthCheck.newBuilder().setTimeout(millis(100)).setInterval(millis(1000))
                .setUnhealthyThreshold(UInt32Value.of(2)).setHealthyThreshold(UInt32Value.of(1));
        assertThat(clusterFailure(cluster().addHealthChecks(check.clone().setTcpHealthCheck(
                io.envoyproxy.envoy.config.core.v3.HealthCheck.TcpHealthCheck.getDefaultInstance()))))
                .isEqualTo("cluster c: health_checks[0]: TCP_HEALTH_CHECK (expected: http_health_check)");
        var http = check.clone().setHttpHealthCheck(HttpHealthCheck.newBuilder().setPath("/h"));
        assertThat(clusterFailure(cluster().addHealthChecks(http).addHealthChecks(http)))
                .isEqualTo("cluster c: health_checks: 2 (expected: at most one)");
        assertThat(clusterFailure(cluster().addHealthChecks(http.clone().clearTimeout())))
                .isEqualTo("cluster c: health_checks[0].timeout: missing (expected: > 0)");
        assertThat(clusterFailure(cluster().addHealthChecks(http.clone().clearHealthyThreshold())))
                .isEqualTo("cluster c: health_checks[0]: unhealthy_threshold and healthy_threshold (expected: both set)");
        assertThat(clusterFailure(cluster().setMetadata(trellis("retryBudget", Struct.newBuilder()
                .putFields("window", Value.newBuilder().setStringValue("ten seconds").build()).build()))))
                .isEqualTo("cluster c: metadata.filter_metadata.trellis.retryBudget.window: \"ten seconds\" (expected: a duration like \"10s\")");
        assertThat(clusterFailure(cluster().setMetadata(trellis("retryBudget", Struct.newBuilder()
                .putFields("window", Value.newBuilder().setStringValue("120s").build()).build()))))
                .isEqualTo("cluster c: metadata.filter_metadata.trellis.retryBudget: window: PT2M (expected: 1s..60s)");
        assertThat(clusterFailure(cluster().setMetadata(trellis("retryBudget", Struct.newBuilder()
                .putFields("ratio", Value.newBuilder().setStringValue("high").build()).build()))))
                .isEqualTo("cluster c: metadata.filter_metadata.trellis.retryBudget.ratio: \"high\" (expected: a number 0..1000)");
        assertThat(clusterFailure(cluster().setMetadata(trellis("retryBudget", Struct.newBuilder()
                .putFields("minRetriesPerSecond", number(1.5)).build()))))
                .isEqualTo("cluster c: metadata.filter_metadata.trellis.retryBudget.minRetriesPerSecond: 1.5 (expected: an integer 0..2147483647)");
    }

    @Test
    void retryConditionsKeepTheirMeaning() {
        var retry = decode(withRetry(RetryPolicy.newBuilder()
                .setRetryOn("connect-failure,refused-stream,reset,5xx,gateway-error,retriable-status-codes,cancelled,deadline-exceeded,"
                        + "resource-exhausted")
                .addRetriableStatusCodes(409))).retry();
        assertThat(retry.retryOn()).isEqualTo(Set.of(RetryOn.values()));
        assertThat(retry.grpcCodes()).containsExactlyInAnyOrder(1, 4, 8);
        assertThat(retry.statusCodes()).containsExactly(409);
    }
}
