package dev.trellis.config.resource;

import dev.trellis.config.Location;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A Gateway API HTTPRoute (gateway.networking.k8s.io/v1) attached to mesh Services (GAMMA): parentRefs
 * name the Service whose traffic the rules route. Namespaces of references are resolved (they default
 * to the route's own).
 */
public record HttpRoute(
        Metadata metadata,
        Location location,
        List<ParentRef> parentRefs,
        List<String> hostnames,
        List<Rule> rules) implements Resource {

    public static final String KIND = "HTTPRoute";

    public HttpRoute {
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(location, "location");
        parentRefs = List.copyOf(parentRefs);
        hostnames = List.copyOf(hostnames);
        rules = List.copyOf(rules);
    }

    @Override
    public String kind() {
        return KIND;
    }

    /** @param port null when not given */
    public record ParentRef(String name, String namespace, Integer port, Location location) {}

    /**
     * @param matches   never empty: a rule without matches matches every request (PathPrefix "/")
     * @param retry     {@link Retry#DEFAULT} when the rule has no {@code retry}
     * @param fault     injected faults, or null
     * @param rateLimit the rule's local rate limit, or null
     * @param requestHeaders  the rule's RequestHeaderModifier filter ({@link HeaderModifier#NONE} without one)
     * @param responseHeaders the rule's ResponseHeaderModifier filter ({@link HeaderModifier#NONE} without one)
     * @param urlRewrite      the rule's URLRewrite filter, or null
     * @param mirrors         the rule's RequestMirror filters, in order (empty without any)
     * @param redirect        the rule's RequestRedirect filter, or null; a rule with one has no backendRefs
     * @param name            the rule's name (unique in its HTTPRoute), or null
     */
    public record Rule(List<Match> matches, List<BackendRef> backendRefs, Timeouts timeouts, Retry retry, Fault fault,
                       RateLimit rateLimit, HeaderModifier requestHeaders, HeaderModifier responseHeaders, UrlRewrite urlRewrite,
                       List<RequestMirror> mirrors, RequestRedirect redirect, String name) {
        public Rule {
            matches = List.copyOf(matches);
            mirrors = List.copyOf(mirrors);
            backendRefs = List.copyOf(backendRefs);
            Objects.requireNonNull(timeouts, "timeouts");
            Objects.requireNonNull(retry, "retry");
            Objects.requireNonNull(requestHeaders, "requestHeaders");
            Objects.requireNonNull(responseHeaders, "responseHeaders");
        }

        public Rule(List<Match> matches, List<BackendRef> backendRefs, Timeouts timeouts, Retry retry, Fault fault,
                    RateLimit rateLimit) {
            this(matches, backendRefs, timeouts, retry, fault, rateLimit, HeaderModifier.NONE, HeaderModifier.NONE, null, List.of(), null, null);
        }

        public Rule(List<Match> matches, List<BackendRef> backendRefs, Timeouts timeouts) {
            this(matches, backendRefs, timeouts, Retry.DEFAULT, null, null);
        }
    }

    /** All conditions must hold. @param method upper case, or null for any */
    public record Match(PathMatch path, List<HeaderMatch> headers, List<HeaderMatch> queryParams, String method) {
        public static final Match ANY = new Match(new PathMatch(PathType.PATH_PREFIX, "/"), List.of(), List.of(), null);

        public Match {
            Objects.requireNonNull(path, "path");
            headers = List.copyOf(headers);
            queryParams = List.copyOf(queryParams);
        }
    }

    public record PathMatch(PathType type, String value) {}

    public enum PathType {
        EXACT("Exact"), PATH_PREFIX("PathPrefix"), REGULAR_EXPRESSION("RegularExpression");

        private final String yamlName;

        PathType(String yamlName) {
            this.yamlName = yamlName;
        }

        public String yamlName() {
            return yamlName;
        }
    }

    /** A header or query parameter condition. */
    public record HeaderMatch(ValueType type, String name, String value) {}

    public enum ValueType {
        EXACT("Exact"), REGULAR_EXPRESSION("RegularExpression");

        private final String yamlName;

        ValueType(String yamlName) {
            this.yamlName = yamlName;
        }

        public String yamlName() {
            return yamlName;
        }
    }

    /** @param port null when not given; @param weight &gt;= 0, default 1 */
    public record BackendRef(String name, String namespace, Integer port, int weight, Location location) {}

    /**
     * Gateway API HTTPRouteTimeouts; null when not set, {@link Duration#ZERO} to disable.
     *
     * @param request        the whole request, retries included
     * @param backendRequest one attempt to a backend (the retry policy's per-try timeout)
     */
    public record Timeouts(Duration request, Duration backendRequest) {
        public static final Timeouts NONE = new Timeouts(null, null);
    }
}
