package dev.trellis.proxy.xds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.config.ConfigLoader;
import dev.trellis.config.xds.ProxyNode;
import dev.trellis.config.xds.XdsTranslator;
import dev.trellis.proxy.config.CircuitBreakers;
import dev.trellis.proxy.config.ClusterConfig;
import dev.trellis.proxy.config.ClusterConfig.LbPolicy;
import dev.trellis.proxy.config.ClusterConfig.UpstreamProtocol;
import dev.trellis.proxy.config.FaultPolicy;
import dev.trellis.proxy.config.HealthCheck;
import dev.trellis.proxy.config.OutlierDetection;
import dev.trellis.proxy.config.ProxySnapshot;
import dev.trellis.proxy.config.RateLimit;
import dev.trellis.proxy.config.RetryBudget;
import dev.trellis.proxy.config.RetryPolicy;
import dev.trellis.proxy.config.RetryPolicy.RetryOn;
import dev.trellis.proxy.config.Route;
import dev.trellis.proxy.config.RouteAction;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** YAML -> xDS -> the proxy's records, for every resilience field and every default. */
class ResilienceRoundTripTest {
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
            spec: {port: 8080, protocol: grpc}
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
                  timeouts: {backendRequest: 300ms}
                  fault: {headerControlled: true}
                - matches: [{path: {type: Exact, value: /grpc}}]
                  backendRefs: [{name: catalog}]
                  retry: {attempts: 0, on: [], maxReplayBytes: 0}
                  fault: {abort: {grpcStatus: 14, percent: 0.5}, delay: {fixedDelay: 1s}}
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
              retryBudget: {ratio: 0.05}
            """;

    static ProxySnapshot snapshot(ProxyNode node) {
        return XdsDecoder.decode(XdsTranslator.translate(ConfigLoader.standard().parse("mesh.yaml", YAML), node), Map.of());
    }

    static final ProxySnapshot CATALOG = snapshot(ProxyNode.of("catalog", 9001));

    static RouteAction action(String service, String route) {
        return CATALOG.routeTables().get("outbound").virtualHosts().stream()
                .filter(vh -> vh.service().equals(service))
                .flatMap(vh -> vh.routes().stream())
                .filter(r -> r.name().equals(route))
                .map(Route::action)
                .findFirst().orElseThrow();
    }

    /** Mutual TLS is another policy's business. */
    static ClusterConfig cluster(String name) {
        return CATALOG.clusters().get(name).withTls(null);
    }

    @Test
    void everyRouteFieldSurvivesTheTrip() {
        RouteAction full = action("catalog", "catalog/0");
        assertThat(full.timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(full.retry()).isEqualTo(new RetryPolicy(3, Set.of(RetryOn.CONNECT_FAILURE, RetryOn.RESET, RetryOn.RETRIABLE_STATUS_CODES),
                Set.of(503, 504), Set.of(4, 14), Duration.ofMillis(10), Duration.ofSeconds(1), Duration.ofMillis(500), true, 1024));
        assertThat(full.fault()).isEqualTo(new FaultPolicy(new FaultPolicy.Delay(12.5, Duration.ofMillis(100)),
                new FaultPolicy.Abort(5, 503, 14), true));
        assertThat(full.rateLimit()).isEqualTo(new RateLimit(150, 100, Duration.ofSeconds(1)));
    }

    @Test
    void headerControlAndGrpcAborts() {
        RouteAction header = action("catalog", "catalog/1");
        assertThat(header.fault()).isEqualTo(new FaultPolicy(null, null, true));
        assertThat(header.rateLimit()).isNull();
        // no retry block: the default policy, with backendRequest as its per-try timeout
        RetryPolicy d = RetryPolicy.DEFAULT;
        assertThat(header.retry()).isEqualTo(new RetryPolicy(d.maxRetries(), d.retryOn(), d.statusCodes(), d.grpcCodes(),
                d.baseBackoff(), d.maxBackoff(), Duration.ofMillis(300), false, RetryPolicy.DEFAULT_MAX_REPLAY_BYTES));

        RouteAction grpc = action("catalog", "catalog/2");
        // a gRPC-only abort answers plain HTTP requests with the corresponding HTTP status
        assertThat(grpc.fault()).isEqualTo(new FaultPolicy(new FaultPolicy.Delay(100, Duration.ofSeconds(1)),
                new FaultPolicy.Abort(0.5, 503, 14), false));
        assertThat(grpc.retry()).isEqualTo(new RetryPolicy(0, Set.of(), Set.of(), Set.of(), Duration.ofMillis(25),
                Duration.ofMillis(250), Duration.ZERO, false, 0));
    }

    @Test
    void routesWithoutPoliciesGetTheDefaults() {
        RouteAction implicit = action("reviews", "default");
        assertThat(implicit.retry()).isEqualTo(RetryPolicy.DEFAULT);
        assertThat(implicit.fault()).isNull();
        assertThat(implicit.rateLimit()).isNull();
        assertThat(implicit.timeout()).isEqualTo(Duration.ZERO);
    }

    @Test
    void theInboundRouteDoesNotRetryAndLimitsByTheOwnService() {
        RouteAction inbound = CATALOG.routeTables().get("inbound").virtualHosts().get(0).routes().get(0).action();
        assertThat(inbound.retry()).isEqualTo(RetryPolicy.NONE);
        assertThat(inbound.rateLimit()).isEqualTo(new RateLimit(40, 20, Duration.ofSeconds(1)));
        assertThat(inbound.fault()).isNull();

        RouteAction unlimited = snapshot(ProxyNode.of("reviews", 9002)).routeTables().get("inbound").virtualHosts().get(0)
                .routes().get(0).action();
        assertThat(unlimited.rateLimit()).isNull();
        assertThat(unlimited.retry()).isEqualTo(RetryPolicy.NONE);
    }

    @Test
    void defaultTrafficPolicy() {
        ClusterConfig catalog = cluster("catalog.default");
        assertThat(catalog).isEqualTo(new ClusterConfig("catalog.default", "catalog", UpstreamProtocol.HTTP1, LbPolicy.PEAK_EWMA,
                Duration.ofSeconds(1), Duration.ofSeconds(60), CircuitBreakers.DEFAULT, RetryBudget.DEFAULT, OutlierDetection.DEFAULT, null));
    }

    @Test
    void destinationPolicies() {
        assertThat(cluster("reviews.default")).isEqualTo(new ClusterConfig("reviews.default", "reviews",
                UpstreamProtocol.HTTP1, LbPolicy.ROUND_ROBIN, Duration.ofMillis(250), Duration.ofSeconds(30),
                new CircuitBreakers(100, 10, 200, 5),
                new RetryBudget(0.5, 5, Duration.ofSeconds(20)),
                new OutlierDetection(0, 2, Duration.ofSeconds(5), Duration.ofSeconds(15), 30, 3, 50, 2.5, 40),
                // every unexpected status counts towards the threshold, as the YAML promises
                new HealthCheck("/healthz", Duration.ofSeconds(2), Duration.ofMillis(500), 2, 3, HealthCheck.OK_ONLY,
                        java.util.List.of(new HealthCheck.StatusRange(100, 600)))));
        assertThat(cluster("ratings.default")).isEqualTo(new ClusterConfig("ratings.default", "ratings",
                UpstreamProtocol.HTTP2, LbPolicy.LEAST_REQUEST, Duration.ofSeconds(1), Duration.ofSeconds(60),
                CircuitBreakers.DEFAULT, new RetryBudget(0.05, 10, Duration.ofSeconds(10)), null, null));
    }

    @Test
    void theLocalApplicationsCluster() {
        ClusterConfig local = CATALOG.clusters().get("inbound|9001");
        assertThat(local.circuitBreakers()).isEqualTo(CircuitBreakers.DEFAULT);
        assertThat(local.outlierDetection()).isNull();
        assertThat(local.healthCheck()).isNull();
        assertThat(local.retryBudget()).isEqualTo(RetryBudget.DEFAULT);
        assertThat(local.lbPolicy()).isEqualTo(LbPolicy.ROUND_ROBIN);
    }
}
