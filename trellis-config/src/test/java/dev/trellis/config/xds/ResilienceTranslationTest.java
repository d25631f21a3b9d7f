package dev.trellis.config.xds;

import static dev.trellis.config.xds.XdsTranslatorTest.named;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.Value;
import dev.trellis.config.ConfigLoader;
import dev.trellis.config.ResourceSet;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import io.envoyproxy.envoy.config.core.v3.RoutingPriority;
import io.envoyproxy.envoy.config.route.v3.FilterConfig;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.common.fault.v3.FaultDelay;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.FaultAbort;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import io.envoyproxy.envoy.type.v3.FractionalPercent.DenominatorType;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Retries, faults, rate limits and destination policies in Envoy's fields. */
class ResilienceTranslationTest {
    static final String YAML = """
            apiVersion: trellis.dev/v1alpha1
            kind: Service
            metadata: {name: catalog}
            spec: {port: 8080, rateLimit: {requestsPerSecond: 20, burst: 40}}
            ---
            apiVersion: trellis.dev/v1alpha1
            kind: Service
            metadata: {name: reviews}
            spec: {port: 8080}
            ---
            apiVersion: trellis.dev/v1alpha1
            kind: Service
            metadata: {name: ratings}
            spec: {port: 8080}
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: catalog}
            spec:
              parentRefs: [{kind: Service, name: catalog}]
              rules:
                - matches: [{path: {type: Exact, value: /full}}]
                  backendRefs: [{name: catalog}]
                  timeouts: {request: 2s, backendRequest: 500ms}
                  retry: {attempts: 3, codes: [504, 503], on: [connect-failure, reset], grpcCodes: [unavailable, 4],
                          backoff: 10ms, maxBackoff: 1s, nonIdempotent: true, maxReplayBytes: 1024}
                  fault:
                    delay: {percent: 12.5, fixedDelay: 100ms}
                    abort: {percent: 5, httpStatus: 503, grpcStatus: unavailable}
                    headerControlled: true
                  rateLimit: {requestsPerSecond: 100, burst: 150}
                - matches: [{path: {type: Exact, value: /header}}]
                  backendRefs: [{name: catalog}]
                  fault: {headerControlled: true}
                - matches: [{path: {type: Exact, value: /grpc}}]
                  backendRefs: [{name: catalog}]
                  fault: {abort: {grpcStatus: 14}}
            ---
            apiVersion: trellis.dev/v1alpha1
            kind: DestinationPolicy
            metadata: {name: reviews}
            spec:
              targetRef: {kind: Service, name: reviews}
              loadBalancer: {policy: ROUND_ROBIN}
              connectTimeout: 250ms
              idleTimeout: 30s
              circuitBreakers: {maxConnections: 100, maxPendingRequests: 10, maxRequests: 200, maxRetries: 5}
              outlierDetection:
                consecutive5xx: 0
                consecutiveGatewayErrors: 2
                interval: 5s
                baseEjectionTime: 15s
                maxEjectionPercent: 30
                panicThresholdPercent: 40
                successRate: {minimumHosts: 3, requestVolume: 50, stdevFactor: 2.5}
              retryBudget: {ratio: 0.5, minRetriesPerSecond: 5, window: 20s}
              healthCheck: {path: /healthz, interval: 2s, timeout: 500ms, unhealthyThreshold: 2, healthyThreshold: 3}
            ---
            apiVersion: trellis.dev/v1alpha1
            kind: DestinationPolicy
            metadata: {name: ratings}
            spec:
              targetRef: {kind: Service, name: ratings}
              loadBalancer: {policy: LEAST_REQUEST}
              outlierDetection: {enabled: false}
            """;
    static final ResourceSet RESOURCES = ConfigLoader.standard().parse("mesh.yaml", YAML);
    static final XdsResources XDS = XdsTranslator.translate(RESOURCES, ProxyNode.of("catalog", 9001));

    static Route route(String virtualHost, String path) {
        RouteConfiguration outbound = named(XDS.routes(), RouteConfiguration::getName, "outbound");
        VirtualHost vh = named(outbound.getVirtualHostsList(), VirtualHost::getName, virtualHost);
        return vh.getRoutesList().stream().filter(r -> r.getMatch().getPath().equals(path) || path == null).findFirst().orElseThrow();
    }

    static Struct trellis(io.envoyproxy.envoy.config.core.v3.Metadata m) {
        return m.getFilterMetadataOrThrow("trellis");
    }

    static Value number(double n) {
        return Value.newBuilder().setNumberValue(n).build();
    }

    static Value bool(boolean b) {
        return Value.newBuilder().setBoolValue(b).build();
    }

    static Duration millis(long ms) {
        return Duration.newBuilder().setSeconds(ms / 1000).setNanos((int) (ms % 1000) * 1_000_000).build();
    }

    static FractionalPercent percent(int numerator, DenominatorType denominator) {
        return FractionalPercent.newBuilder().setNumerator(numerator).setDenominator(denominator).build();
    }

    @Test
    void retryPolicyInEnvoysTerms() {
        Route full = route("catalog.default", "/full");
        assertThat(full.getRoute().getRetryPolicy()).isEqualTo(RetryPolicy.newBuilder()
                .setRetryOn("connect-failure,reset,retriable-status-codes,deadline-exceeded,unavailable")
                .setNumRetries(UInt32Value.of(3))
                .addRetriableStatusCodes(503).addRetriableStatusCodes(504)
                .setRetryBackOff(RetryPolicy.RetryBackOff.newBuilder().setBaseInterval(millis(10)).setMaxInterval(millis(1000)))
                .addRetryHostPredicate(RetryPolicy.RetryHostPredicate.newBuilder()
                        .setName("envoy.retry_host_predicates.previous_hosts")
                        .setTypedConfig(Any.pack(PreviousHostsPredicate.getDefaultInstance())))
                .setHostSelectionRetryMaxAttempts(5)
                .setPerTryTimeout(millis(500))
                .build());
        assertThat(full.getRoute().getTimeout()).isEqualTo(millis(2000));
        assertThat(full.getPerRequestBufferLimitBytes().getValue()).isEqualTo(1024);
        assertThat(trellis(full.getMetadata()).getFieldsOrThrow("retry").getStructValue().getFieldsMap())
                .isEqualTo(Map.of("nonIdempotent", bool(true), "maxReplayBytes", number(1024)));
    }

    @Test
    void theDefaultRetryPolicyIsAlwaysWrittenOut() {
        RetryPolicy implicit = route("reviews.default", null).getRoute().getRetryPolicy();
        assertThat(implicit.getRetryOn()).isEqualTo("connect-failure,refused-stream,reset");
        assertThat(implicit.getNumRetries().getValue()).isEqualTo(2);
        assertThat(implicit.getRetryBackOff().getBaseInterval()).isEqualTo(millis(25));
        assertThat(implicit.getRetryBackOff().getMaxInterval()).isEqualTo(millis(250));
        assertThat(implicit.hasPerTryTimeout()).isFalse();
        assertThat(implicit.getRetryHostPredicateCount()).isEqualTo(1);
        Route header = route("catalog.default", "/header");
        assertThat(header.getRoute().getRetryPolicy()).isEqualTo(implicit);
        assertThat(header.getPerRequestBufferLimitBytes().getValue()).isEqualTo(65536);
        assertThat(trellis(header.getMetadata()).getFieldsOrThrow("retry").getStructValue().getFieldsMap())
                .isEqualTo(Map.of("nonIdempotent", bool(false), "maxReplayBytes", number(65536)));
    }

    @Test
    void faultsAsTheFaultFiltersPerRouteConfiguration() throws InvalidProtocolBufferException {
        Route full = route("catalog.default", "/full");
        HTTPFault fault = full.getTypedPerFilterConfigOrThrow("envoy.filters.http.fault").unpack(HTTPFault.class);
        assertThat(fault).isEqualTo(HTTPFault.newBuilder()
                .setDelay(FaultDelay.newBuilder().setFixedDelay(millis(100)).setPercentage(percent(125_000, DenominatorType.MILLION)))
                .setAbort(FaultAbort.newBuilder().setHttpStatus(503).setPercentage(percent(5, DenominatorType.HUNDRED)))
                .build());
        // what the one-of fields cannot hold
        assertThat(trellis(full.getMetadata()).getFieldsOrThrow("fault").getStructValue().getFieldsMap())
                .isEqualTo(Map.of("headerControlled", bool(true), "grpcStatus", number(14)));

        Route header = route("catalog.default", "/header");
        assertThat(header.getTypedPerFilterConfigOrThrow("envoy.filters.http.fault").unpack(HTTPFault.class)).isEqualTo(HTTPFault.newBuilder()
                .setDelay(FaultDelay.newBuilder().setHeaderDelay(FaultDelay.HeaderDelay.getDefaultInstance())
                        .setPercentage(percent(100, DenominatorType.HUNDRED)))
                .setAbort(FaultAbort.newBuilder().setHeaderAbort(FaultAbort.HeaderAbort.getDefaultInstance())
                        .setPercentage(percent(100, DenominatorType.HUNDRED)))
                .build());

        Route grpc = route("catalog.default", "/grpc");
        HTTPFault grpcFault = grpc.getTypedPerFilterConfigOrThrow("envoy.filters.http.fault").unpack(HTTPFault.class);
        assertThat(grpcFault.hasDelay()).isFalse();
        assertThat(grpcFault.getAbort().getGrpcStatus()).isEqualTo(14);
        assertThat(trellis(grpc.getMetadata()).containsFields("fault")).isFalse();
        assertThat(route("reviews.default", null).getTypedPerFilterConfigMap()).isEmpty();
    }

    @Test
    void rateLimitsAsTheLocalRateLimitFiltersPerRouteConfiguration() throws InvalidProtocolBufferException {
        FilterConfig optional = route("catalog.default", "/full").getTypedPerFilterConfigOrThrow("envoy.filters.http.local_ratelimit")
                .unpack(FilterConfig.class);
        assertThat(optional.getIsOptional()).isTrue();
        assertThat(optional.getDisabled()).isFalse();
        LocalRateLimit limit = optional.getConfig().unpack(LocalRateLimit.class);
        assertThat(limit.getStatPrefix()).isEqualTo("http_local_rate_limiter");
        assertThat(limit.getTokenBucket().getMaxTokens()).isEqualTo(150);
        assertThat(limit.getTokenBucket().getTokensPerFill().getValue()).isEqualTo(100);
        assertThat(limit.getTokenBucket().getFillInterval()).isEqualTo(millis(1000));
        assertThat(limit.getFilterEnabled().getDefaultValue()).isEqualTo(percent(100, DenominatorType.HUNDRED));
        assertThat(limit.getFilterEnforced().getDefaultValue()).isEqualTo(percent(100, DenominatorType.HUNDRED));
    }

    @Test
    void theInboundRouteNeverRetriesAndCarriesTheServicesRateLimit() throws InvalidProtocolBufferException {
        Route inbound = named(XDS.routes(), RouteConfiguration::getName, "inbound").getVirtualHosts(0).getRoutes(0);
        RetryPolicy none = inbound.getRoute().getRetryPolicy();
        assertThat(none.getNumRetries().getValue()).isZero();
        assertThat(none.getRetryOn()).isEmpty();
        assertThat(none.getRetryHostPredicateCount()).isZero();
        LocalRateLimit limit = inbound.getTypedPerFilterConfigOrThrow("envoy.filters.http.local_ratelimit").unpack(FilterConfig.class)
                .getConfig().unpack(LocalRateLimit.class);
        assertThat(limit.getTokenBucket().getMaxTokens()).isEqualTo(40);
        assertThat(limit.getTokenBucket().getTokensPerFill().getValue()).isEqualTo(20);

        Route other = named(XdsTranslator.translate(RESOURCES, ProxyNode.of("reviews", 9002)).routes(), RouteConfiguration::getName, "inbound")
                .getVirtualHosts(0).getRoutes(0);
        assertThat(other.getTypedPerFilterConfigMap()).isEmpty();
    }

    @Test
    void defaultTrafficPolicy() throws InvalidProtocolBufferException {
        Cluster catalog = named(XDS.clusters(), Cluster::getName, "catalog.default");
        assertThat(catalog.getLbPolicy()).isEqualTo(Cluster.LbPolicy.LEAST_REQUEST);
        assertThat(trellis(catalog.getMetadata()).getFieldsOrThrow("lb").getStringValue()).isEqualTo("peak_ewma");
        assertThat(catalog.getConnectTimeout()).isEqualTo(millis(1000));
        assertThat(catalog.getCircuitBreakers().getThresholdsList()).singleElement().satisfies(t -> {
            assertThat(t.getPriority()).isEqualTo(RoutingPriority.DEFAULT);
            assertThat(t.getMaxConnections().getValue()).isEqualTo(1024);
            assertThat(t.getMaxPendingRequests().getValue()).isEqualTo(1024);
            assertThat(t.getMaxRequests().getValue()).isEqualTo(1024);
            assertThat(t.getMaxRetries().getValue()).isEqualTo(1024);
        });
        assertThat(catalog.getOutlierDetection()).isEqualTo(OutlierDetection.newBuilder()
                .setConsecutive5Xx(UInt32Value.of(5)).setEnforcingConsecutive5Xx(UInt32Value.of(100))
                .setConsecutiveGatewayFailure(UInt32Value.of(5)).setEnforcingConsecutiveGatewayFailure(UInt32Value.of(100))
                .setInterval(millis(10_000)).setBaseEjectionTime(millis(30_000)).setMaxEjectionPercent(UInt32Value.of(50))
                .setEnforcingSuccessRate(UInt32Value.of(0))
                .build());
        assertThat(catalog.getCommonLbConfig().getHealthyPanicThreshold().getValue()).isEqualTo(50);
        assertThat(catalog.getHealthChecksCount()).isZero();
        assertThat(trellis(catalog.getMetadata()).getFieldsOrThrow("retryBudget").getStructValue().getFieldsMap()).isEqualTo(Map.of(
                "ratio", number(0.2), "minRetriesPerSecond", number(10), "window", Value.newBuilder().setStringValue("10s").build()));
    }

    @Test
    void destinationPolicy() throws InvalidProtocolBufferException {
        Cluster reviews = named(XDS.clusters(), Cluster::getName, "reviews.default");
        assertThat(reviews.getLbPolicy()).isEqualTo(Cluster.LbPolicy.ROUND_ROBIN);
        assertThat(trellis(reviews.getMetadata()).containsFields("lb")).isFalse();
        assertThat(reviews.getConnectTimeout()).isEqualTo(millis(250));
        assertThat(reviews.getTypedExtensionProtocolOptionsOrThrow("envoy.extensions.upstreams.http.v3.HttpProtocolOptions")
                .unpack(HttpProtocolOptions.class).getCommonHttpProtocolOptions().getIdleTimeout()).isEqualTo(millis(30_000));
        var t = reviews.getCircuitBreakers().getThresholds(0);
        assertThat(t.getMaxConnections().getValue()).isEqualTo(100);
        assertThat(t.getMaxPendingRequests().getValue()).isEqualTo(10);
        assertThat(t.getMaxRequests().getValue()).isEqualTo(200);
        assertThat(t.getMaxRetries().getValue()).isEqualTo(5);
        assertThat(reviews.getOutlierDetection()).isEqualTo(OutlierDetection.newBuilder()
                .setConsecutive5Xx(UInt32Value.of(0)).setEnforcingConsecutive5Xx(UInt32Value.of(0))
                .setConsecutiveGatewayFailure(UInt32Value.of(2)).setEnforcingConsecutiveGatewayFailure(UInt32Value.of(100))
                .setInterval(millis(5000)).setBaseEjectionTime(millis(15_000)).setMaxEjectionPercent(UInt32Value.of(30))
                .setEnforcingSuccessRate(UInt32Value.of(100)).setSuccessRateMinimumHosts(UInt32Value.of(3))
                .setSuccessRateRequestVolume(UInt32Value.of(50)).setSuccessRateStdevFactor(UInt32Value.of(2500))
                .build());
        assertThat(reviews.getCommonLbConfig().getHealthyPanicThreshold().getValue()).isEqualTo(40);
        assertThat(reviews.getHealthChecksList()).singleElement().satisfies(h -> {
            assertThat(h.getHttpHealthCheck().getPath()).isEqualTo("/healthz");
            assertThat(h.getInterval()).isEqualTo(millis(2000));
            assertThat(h.getTimeout()).isEqualTo(millis(500));
            assertThat(h.getUnhealthyThreshold().getValue()).isEqualTo(2);
            assertThat(h.getHealthyThreshold().getValue()).isEqualTo(3);
        });
        assertThat(trellis(reviews.getMetadata()).getFieldsOrThrow("retryBudget").getStructValue().getFieldsMap()).isEqualTo(Map.of(
                "ratio", number(0.5), "minRetriesPerSecond", number(5), "window", Value.newBuilder().setStringValue("20s").build()));

        Cluster ratings = named(XDS.clusters(), Cluster::getName, "ratings.default");
        assertThat(ratings.getLbPolicy()).isEqualTo(Cluster.LbPolicy.LEAST_REQUEST);
        assertThat(trellis(ratings.getMetadata()).containsFields("lb")).isFalse();
        assertThat(ratings.hasOutlierDetection()).isFalse();
        assertThat(ratings.hasCommonLbConfig()).isFalse();
    }

    @Test
    void theLocalApplicationsClusterHasDefaultLimitsAndNoOutlierDetection() {
        Cluster local = named(XDS.clusters(), Cluster::getName, "inbound|9001");
        assertThat(local.getCircuitBreakers().getThresholds(0).getMaxRequests().getValue()).isEqualTo(1024);
        assertThat(local.hasOutlierDetection()).isFalse();
        assertThat(local.getHealthChecksCount()).isZero();
    }
}
