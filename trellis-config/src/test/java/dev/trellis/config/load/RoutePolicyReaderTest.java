package dev.trellis.config.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.trellis.config.ConfigException;
import dev.trellis.config.ConfigLoader;
import dev.trellis.config.resource.Fault;
import dev.trellis.config.resource.HttpRoute;
import dev.trellis.config.resource.RateLimit;
import dev.trellis.config.resource.Retry;
import dev.trellis.config.resource.Retry.Condition;
import dev.trellis.config.resource.Service;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** retry, fault and rateLimit of HTTPRoute rules, and a Service's rateLimit: values, defaults, every message and its line. */
class RoutePolicyReaderTest {
    // line 16:
    static final String ROUTE = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: r}
            spec:
              parentRefs: [{kind: Service, name: catalog}]
              rules:
                - backendRefs: [{name: catalog}]
                  timeouts: {request: 2s, backendRequest: 500ms}
                  retry:
                    attempts: 3
                    codes: [503, 504]
                    on: [connect-failure, reset]
                    grpcCodes: [unavailable, 4]
                    backoff: 10ms
                    maxBackoff: 1s
                    nonIdempotent: true
                    maxReplayBytes: 1024
                  fault:
                    delay: {percent: 12.5, fixedDelay: 100ms}
                    abort: {percent: 5, httpStatus: 503, grpcStatus: UNAVAILABLE}
                    headerControlled: true
                  rateLimit: {requestsPerSecond: 100, burst: 150}
            """;

    static HttpRoute.Rule rule(String route) {
        return ConfigLoader.standard().parse("routes.yaml", HttpRouteKindTest.SERVICES + route).httpRoutes().get(0).rules().get(0);
    }

    static String failure(String yaml) {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.standard().parse("routes.yaml", HttpRouteKindTest.SERVICES + yaml));
        assertThat(e).as("expected the configuration to be rejected").isNotNull();
        return e.getMessage();
    }

    @Test
    void readsEveryField() {
        HttpRoute.Rule r = rule(ROUTE);
        assertThat(r.retry()).isEqualTo(new Retry(3, Set.of(Condition.CONNECT_FAILURE, Condition.RESET, Condition.RETRIABLE_STATUS_CODES),
                List.of(503, 504), List.of(14, 4), Duration.ofMillis(10), Duration.ofSeconds(1), true, 1024));
        assertThat(r.fault()).isEqualTo(new Fault(new Fault.Delay(12.5, Duration.ofMillis(100)), new Fault.Abort(5, 503, 14), true));
        assertThat(r.rateLimit()).isEqualTo(new RateLimit(100, 150));
        assertThat(r.timeouts()).isEqualTo(new HttpRoute.Timeouts(Duration.ofSeconds(2), Duration.ofMillis(500)));
    }

    @Test
    void defaults() {
        String bare = ROUTE.substring(0, ROUTE.indexOf("      retry:"));
        HttpRoute.Rule r = rule(bare);
        assertThat(r.retry()).isEqualTo(Retry.DEFAULT);
        assertThat(Retry.DEFAULT).isEqualTo(new Retry(2, Set.of(Condition.CONNECT_FAILURE, Condition.REFUSED_STREAM, Condition.RESET), List.of(), List.of(),
                Duration.ofMillis(25), Duration.ofMillis(250), false, 65536));
        assertThat(r.fault()).isNull();
        assertThat(r.rateLimit()).isNull();

        assertThat(rule(bare + "      retry: {}\n").retry()).isEqualTo(Retry.DEFAULT);
        assertThat(rule(bare + "      retry: {codes: [503]}\n").retry().on())
                .containsExactlyInAnyOrder(Condition.CONNECT_FAILURE, Condition.REFUSED_STREAM, Condition.RESET, Condition.RETRIABLE_STATUS_CODES);
        assertThat(rule(bare + "      retry: {on: [5xx], attempts: 0}\n").retry())
                .extracting(Retry::on, Retry::attempts).containsExactly(Set.of(Condition.SERVER_ERROR), 0);
        assertThat(rule(bare + "      retry: {backoff: 100ms}\n").retry().maxBackoff()).isEqualTo(Duration.ofSeconds(1));
        assertThat(rule(bare + "      retry: {grpcCodes: [CANCELLED, resource_exhausted, 13]}\n").retry().grpcCodes()).containsExactly(1, 8, 13);

        assertThat(rule(bare + "      rateLimit: {requestsPerSecond: 7}\n").rateLimit()).isEqualTo(new RateLimit(7, 7));
        assertThat(rule(bare + "      fault: {delay: {fixedDelay: 1s}}\n").fault())
                .isEqualTo(new Fault(new Fault.Delay(100, Duration.ofSeconds(1)), null, false));
        assertThat(rule(bare + "      fault: {abort: {grpcStatus: 14}}\n").fault().abort()).isEqualTo(new Fault.Abort(100, null, 14));
        assertThat(rule(bare + "      fault: {headerControlled: true}\n").fault()).isEqualTo(new Fault(null, null, true));
    }

    @Test
    void retryErrors() {
        assertThat(failure(ROUTE.replace("attempts: 3", "attempts: -1")))
                .isEqualTo("routes.yaml:25: spec.rules[0].retry.attempts: -1 (expected: 0..10)");
        assertThat(failure(ROUTE.replace("attempts: 3", "attempts: 11")))
                .isEqualTo("routes.yaml:25: spec.rules[0].retry.attempts: 11 (expected: 0..10)");
        assertThat(failure(ROUTE.replace("attempts: 3", "attemps: 3")))
                .isEqualTo("routes.yaml:25: spec.rules[0].retry.attemps: unknown field (did you mean attempts?)");
        assertThat(failure(ROUTE.replace("attempts: 3", "attempts: 0")))
                .isEqualTo("routes.yaml:25: spec.rules[0].retry.attempts: 0 with codes (expected: > 0; leave the codes out to disable retries)");
        assertThat(failure(ROUTE.replace("attempts: 3", "attempts: 0").replace("codes: [503, 504]", "codes: []")))
                .isEqualTo("routes.yaml:25: spec.rules[0].retry.attempts: 0 with grpcCodes (expected: > 0; leave the codes out to disable retries)");
        assertThat(failure(ROUTE.replace("codes: [503, 504]", "codes: [200]")))
                .isEqualTo("routes.yaml:26: spec.rules[0].retry.codes[0]: 200 (expected: an HTTP status 400..599)");
        assertThat(failure(ROUTE.replace("codes: [503, 504]", "codes: [503, 503]")))
                .isEqualTo("routes.yaml:26: spec.rules[0].retry.codes[1]: 503 (expected: each status once)");
        assertThat(failure(ROUTE.replace("codes: [503, 504]", "codes: [\"503\"]")))
                .isEqualTo("routes.yaml:26: spec.rules[0].retry.codes[0]: \"503\" (expected: an integer)");
        assertThat(failure(ROUTE.replace("on: [connect-failure, reset]", "on: [connect-failure, 5xxx]")))
                .isEqualTo("routes.yaml:27: spec.rules[0].retry.on[1]: \"5xxx\" (expected: one of connect-failure, refused-stream, "
                        + "reset, 5xx, gateway-error, retriable-status-codes)");
        assertThat(failure(ROUTE.replace("on: [connect-failure, reset]", "on: [reset, reset]")))
                .isEqualTo("routes.yaml:27: spec.rules[0].retry.on[1]: \"reset\" (expected: each condition once)");
        assertThat(failure(ROUTE.replace("codes: [503, 504]", "codes: []").replace("on: [connect-failure, reset]", "on: [retriable-status-codes]")))
                .isEqualTo("routes.yaml:27: spec.rules[0].retry.on: retriable-status-codes without codes (expected: the statuses in codes)");
        String grpc = "(expected: one of cancelled (1), deadline-exceeded (4), resource-exhausted (8), internal (13), unavailable (14))";
        assertThat(failure(ROUTE.replace("grpcCodes: [unavailable, 4]", "grpcCodes: [not-found]")))
                .isEqualTo("routes.yaml:28: spec.rules[0].retry.grpcCodes[0]: \"not-found\" " + grpc);
        assertThat(failure(ROUTE.replace("grpcCodes: [unavailable, 4]", "grpcCodes: [unavailable, 99]")))
                .isEqualTo("routes.yaml:28: spec.rules[0].retry.grpcCodes[1]: 99 " + grpc);
        assertThat(failure(ROUTE.replace("grpcCodes: [unavailable, 4]", "grpcCodes: [unavailable, 14]")))
                .isEqualTo("routes.yaml:28: spec.rules[0].retry.grpcCodes[1]: 14 (expected: each code once)");
        assertThat(failure(ROUTE.replace("backoff: 10ms", "backoff: 0s")))
                .isEqualTo("routes.yaml:29: spec.rules[0].retry.backoff: 0s (expected: > 0)");
        assertThat(failure(ROUTE.replace("backoff: 10ms", "backoff: 10")))
                .isEqualTo("routes.yaml:29: spec.rules[0].retry.backoff: \"10\" (expected: a duration like 2s, 500ms, 1m or 1h30m)");
        assertThat(failure(ROUTE.replace("maxBackoff: 1s", "maxBackoff: 5ms")))
                .isEqualTo("routes.yaml:30: spec.rules[0].retry.maxBackoff: 5ms (expected: >= backoff 10ms)");
        assertThat(failure(ROUTE.replace("nonIdempotent: true", "nonIdempotent: 1")))
                .isEqualTo("routes.yaml:31: spec.rules[0].retry.nonIdempotent: 1 (expected: true or false)");
        assertThat(failure(ROUTE.replace("maxReplayBytes: 1024", "maxReplayBytes: -1")))
                .isEqualTo("routes.yaml:32: spec.rules[0].retry.maxReplayBytes: -1 (expected: 0..16777216)");
        assertThat(failure(ROUTE.replace("      retry:\n", "      retry: 3\n").replaceAll("(?m)^        (attempts|codes|on|grpcCodes|backoff|maxBackoff|nonIdempotent|maxReplayBytes):.*\n", "")))
                .isEqualTo("routes.yaml:24: spec.rules[0].retry: 3 (expected: a mapping)");
    }

    @Test
    void faultErrors() {
        assertThat(failure(ROUTE.replace("percent: 12.5", "percent: 101")))
                .isEqualTo("routes.yaml:34: spec.rules[0].fault.delay.percent: 101 (expected: 0..100)");
        assertThat(failure(ROUTE.replace("percent: 12.5", "percent: -0.5")))
                .isEqualTo("routes.yaml:34: spec.rules[0].fault.delay.percent: -0.5 (expected: 0..100)");
        assertThat(failure(ROUTE.replace("percent: 12.5", "percent: half")))
                .isEqualTo("routes.yaml:34: spec.rules[0].fault.delay.percent: \"half\" (expected: a number)");
        assertThat(failure(ROUTE.replace("percent: 12.5, fixedDelay: 100ms", "percent: 12.5")))
                .isEqualTo("routes.yaml:34: spec.rules[0].fault.delay.fixedDelay: missing (required)");
        assertThat(failure(ROUTE.replace("fixedDelay: 100ms", "fixedDelay: 0s")))
                .isEqualTo("routes.yaml:34: spec.rules[0].fault.delay.fixedDelay: 0s (expected: > 0)");
        assertThat(failure(ROUTE.replace("fixedDelay: 100ms", "fixedDelay: 100ms, delay: 1s")))
                .isEqualTo("routes.yaml:34: spec.rules[0].fault.delay.delay: unknown field (expected one of: percent, fixedDelay)");
        assertThat(failure(ROUTE.replace("httpStatus: 503", "httpStatus: 600")))
                .isEqualTo("routes.yaml:35: spec.rules[0].fault.abort.httpStatus: 600 (expected: 200..599)");
        assertThat(failure(ROUTE.replace("grpcStatus: UNAVAILABLE", "grpcStatus: nope")))
                .isEqualTo("routes.yaml:35: spec.rules[0].fault.abort.grpcStatus: \"nope\" (expected: a gRPC status 1..16 or its name, e.g. unavailable)");
        assertThat(failure(ROUTE.replace("grpcStatus: UNAVAILABLE", "grpcStatus: 0")))
                .isEqualTo("routes.yaml:35: spec.rules[0].fault.abort.grpcStatus: 0 (expected: a gRPC status 1..16 or its name, e.g. unavailable)");
        assertThat(failure(ROUTE.replace("{percent: 5, httpStatus: 503, grpcStatus: UNAVAILABLE}", "{percent: 5}")))
                .isEqualTo("routes.yaml:35: spec.rules[0].fault.abort: no status (expected: httpStatus, grpcStatus or both)");
        assertThat(failure(ROUTE.replace("headerControlled: true", "headerControlled: \"yes\"")))
                .isEqualTo("routes.yaml:36: spec.rules[0].fault.headerControlled: \"yes\" (expected: true or false)");
        String bare = ROUTE.substring(0, ROUTE.indexOf("      retry:"));
        assertThat(failure(bare + "      fault: {}\n"))
                .isEqualTo("routes.yaml:24: spec.rules[0].fault: nothing to inject (expected: delay, abort or headerControlled: true)");
        assertThat(failure(bare + "      fault: {headerControlled: false}\n"))
                .isEqualTo("routes.yaml:24: spec.rules[0].fault: nothing to inject (expected: delay, abort or headerControlled: true)");
    }

    @Test
    void rateLimitErrors() {
        assertThat(failure(ROUTE.replace("requestsPerSecond: 100", "requestsPerSecond: 0")))
                .isEqualTo("routes.yaml:37: spec.rules[0].rateLimit.requestsPerSecond: 0 (expected: > 0)");
        assertThat(failure(ROUTE.replace("requestsPerSecond: 100, ", "")))
                .isEqualTo("routes.yaml:37: spec.rules[0].rateLimit.requestsPerSecond: missing (required)");
        assertThat(failure(ROUTE.replace("burst: 150", "burst: 50")))
                .isEqualTo("routes.yaml:37: spec.rules[0].rateLimit.burst: 50 (expected: >= requestsPerSecond 100; the bucket refills 100 tokens each second)");
        assertThat(failure(ROUTE.replace("burst: 150", "bursts: 150")))
                .isEqualTo("routes.yaml:37: spec.rules[0].rateLimit.bursts: unknown field (did you mean burst?)");
    }

    @Test
    void serviceRateLimit() {
        String service = """
                apiVersion: trellis.dev/v1alpha1
                kind: Service
                metadata: {name: api}
                spec:
                  port: 8080
                  rateLimit: {requestsPerSecond: 50, burst: 80}
                """;
        Service s = ConfigLoader.standard().parse("mesh.yaml", service).services().get(0);
        assertThat(s.rateLimit()).isEqualTo(new RateLimit(50, 80));
        assertThat(ConfigLoader.standard().parse("mesh.yaml", service.replace("  rateLimit: {requestsPerSecond: 50, burst: 80}\n", ""))
                .services().get(0).rateLimit()).isNull();

        ConfigException tcp = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.standard().parse("mesh.yaml",
                service.replace("port: 8080", "port: 8080\n  protocol: tcp")));
        assertThat(tcp).hasMessage("mesh.yaml:7: spec.rateLimit: set on a tcp Service (expected: none; requests are only counted on HTTP)");
        ConfigException burst = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.standard().parse("mesh.yaml",
                service.replace("burst: 80", "burst: 8")));
        assertThat(burst).hasMessage("mesh.yaml:6: spec.rateLimit.burst: 8 (expected: >= requestsPerSecond 50; the bucket refills 50 tokens each second)");
    }
}
