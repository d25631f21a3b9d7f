package dev.trellis.config.load;

import dev.trellis.config.ConfigException;
import dev.trellis.config.ConfigProblem;
import dev.trellis.config.Location;
import dev.trellis.config.ResourceSet;
import dev.trellis.config.resource.Fault;
import dev.trellis.config.resource.HttpRoute;
import dev.trellis.config.resource.Metadata;
import dev.trellis.config.resource.Protocol;
import dev.trellis.config.resource.RateLimit;
import dev.trellis.config.resource.RequestMirror;
import dev.trellis.config.resource.Retry;
import dev.trellis.config.resource.Service;
import dev.trellis.config.yaml.Fields;
import dev.trellis.config.xds.XdsNames;
import dev.trellis.config.yaml.GatewayDuration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Reads Gateway API HTTPRoute attached to mesh Services, and checks its references. */
public final class HttpRouteKind implements ResourceKind<HttpRoute> {
    /** Gateway API's upper bound for a backendRef weight. */
    static final int MAX_WEIGHT = 1_000_000;

    @Override
    public String kind() {
        return HttpRoute.KIND;
    }

    @Override
    public List<String> apiVersions() {
        return List.of("gateway.networking.k8s.io/v1", "gateway.networking.k8s.io/v1beta1");
    }

    @Override
    public Class<HttpRoute> type() {
        return HttpRoute.class;
    }

    @Override
    public HttpRoute read(Metadata metadata, Location location, Fields document) {
        return read(metadata, location, document, HttpRouteKind::rule);
    }

    /** Reads one rule: its fields, and the route's namespace. */
    interface RuleReader {
        HttpRoute.Rule read(Fields rule, String routeNamespace);
    }

    /** The spec both route kinds share: parentRefs, hostnames and named rules, each rule read by {@code rules}. */
    static HttpRoute read(Metadata metadata, Location location, Fields document, RuleReader rules) {
        Fields spec = document.object("spec", "parentRefs", "hostnames", "rules");
        List<HttpRoute.ParentRef> parents = new ArrayList<>();
        for (Fields.Item item : spec.list("parentRefs")) {
            parents.add(parentRef(item.object("group", "kind", "name", "namespace", "port"), metadata.namespace()));
        }
        if (parents.isEmpty()) {
            throw spec.error("parentRefs", "missing (expected: at least one parentRef to a Service)");
        }
        List<String> hostnames = hostnames(spec);
        List<HttpRoute.Rule> read = new ArrayList<>();
        Set<String> ruleNames = new HashSet<>();
        for (Fields.Item item : spec.list("rules")) {
            Fields f = item.object("name", "matches", "backendRefs", "timeouts", "retry", "fault", "rateLimit", "filters");
            HttpRoute.Rule rule = rules.read(f, metadata.namespace());
            if (rule.name() != null && !ruleNames.add(rule.name())) {
                throw f.error("name", rule.name() + " (expected: unique among the route's rules)");
            }
            read.add(rule);
        }
        if (read.isEmpty()) {
            throw spec.error("rules", "missing (expected: at least one rule)");
        }
        return new HttpRoute(metadata, location, parents, hostnames, read);
    }

    /** Extra host names for the parent Service's virtual host; a host name selects one Service. */
    private static List<String> hostnames(Fields spec) {
        List<String> out = new ArrayList<>();
        for (Fields.Item item : spec.list("hostnames")) {
            String h = item.string().toLowerCase(java.util.Locale.ROOT); // host names are case-insensitive
            if (!NameRule.DNS_SUBDOMAIN.accepts(h)) {
                throw new ConfigException(item.node().location(), item.path() + ": \"" + h
                        + "\" (expected: a host name; wildcards are not supported)");
            }
            out.add(h);
        }
        if (!out.isEmpty() && spec.list("parentRefs").size() > 1) {
            throw spec.error("hostnames", out + " with " + spec.list("parentRefs").size()
                    + " parentRefs (expected: a single parentRef when hostnames are given)");
        }
        return out;
    }

    private static HttpRoute.ParentRef parentRef(Fields f, String routeNamespace) {
        coreGroup(f);
        if (!f.has("kind")) {
            throw f.error("kind", "missing (expected: Service; Gateway API defaults to Gateway, which a mesh has none of)");
        }
        if (!f.string("kind").equals("Service")) {
            throw f.invalid("kind", "Service");
        }
        Integer port = f.has("port") ? port(f) : null;
        return new HttpRoute.ParentRef(f.string("name"), f.string("namespace", routeNamespace), port, f.location());
    }

    static void coreGroup(Fields f) {
        if (f.has("group") && !f.text("group").isEmpty() && !f.text("group").equals("core")) {
            throw f.invalid("group", "\"\" (the core group of Service)");
        }
    }

    static int port(Fields f) {
        int port = f.integer("port");
        if (port < 1 || port > 65535) {
            throw f.error("port", port + " (expected: 1..65535)");
        }
        return port;
    }

    private static HttpRoute.Rule rule(Fields f, String routeNamespace) {
        List<HttpRoute.Match> matches = new ArrayList<>();
        for (Fields.Item item : f.list("matches")) {
            matches.add(RouteMatchReader.match(item.object("path", "headers", "queryParams", "method")));
        }
        return rule(f, routeNamespace, matches);
    }

    /**
     * The rest of a rule, its matches read (an HTTPRoute's, or a GRPCRoute's as the paths they stand for).
     *
     * @param read the matches, empty for "every request"
     */
    static HttpRoute.Rule rule(Fields f, String routeNamespace, List<HttpRoute.Match> read) {
        List<HttpRoute.Match> matches = read.isEmpty() ? List.of(HttpRoute.Match.ANY) : read;
        RouteFilterReader.Filters filters = f.has("filters") ? RouteFilterReader.read(f, matches, routeNamespace)
                : RouteFilterReader.Filters.NONE;
        if (filters.redirect() != null) {
            // the sidecar answers a redirected request itself: nothing is sent, so nothing to send it to or to retry
            for (String sending : List.of("backendRefs", "timeouts", "retry", "fault")) {
                if (f.has(sending)) {
                    throw f.error(sending, "set with a RequestRedirect filter (expected: none; the sidecar answers the "
                            + "request itself and sends nothing on)");
                }
            }
        }
        List<HttpRoute.BackendRef> backends = new ArrayList<>();
        long totalWeight = 0;
        for (Fields.Item item : f.list("backendRefs")) {
            HttpRoute.BackendRef ref = backendRef(item.object("group", "kind", "name", "namespace", "port", "weight"), routeNamespace);
            backends.add(ref);
            totalWeight += ref.weight();
        }
        if (backends.isEmpty() && filters.redirect() == null) {
            throw f.error("backendRefs", "missing (expected: at least one backendRef, or a RequestRedirect filter)");
        }
        if (!backends.isEmpty() && totalWeight == 0) {
            throw f.error("backendRefs", "total weight 0 (expected: > 0)");
        }
        Retry retry = f.has("retry") ? RoutePolicyReader.retry(f.object("retry", "attempts", "codes", "on", "grpcCodes",
                "backoff", "maxBackoff", "nonIdempotent", "maxReplayBytes")) : Retry.DEFAULT;
        Fault fault = f.has("fault") ? RoutePolicyReader.fault(f) : null;
        RateLimit rateLimit = f.has("rateLimit") ? RoutePolicyReader.rateLimit(f) : null;
        String name = null;
        if (f.has("name")) {
            name = f.string("name");
            if (!NameRule.DNS_LABEL.accepts(name)) {
                throw f.invalid("name", NameRule.DNS_LABEL.description());
            }
        }
        return new HttpRoute.Rule(matches, backends, timeouts(f), retry, fault, rateLimit, filters.request(), filters.response(),
                filters.rewrite(), filters.mirrors(), filters.redirect(), name);
    }

    private static HttpRoute.BackendRef backendRef(Fields f, String routeNamespace) {
        coreGroup(f);
        if (f.has("kind") && !f.string("kind").equals("Service")) {
            throw f.invalid("kind", "Service");
        }
        int weight = f.integer("weight", 1);
        if (weight < 0 || weight > MAX_WEIGHT) {
            throw f.error("weight", weight + " (expected: " + (weight < 0 ? ">= 0" : "<= " + MAX_WEIGHT) + ")");
        }
        Integer port = f.has("port") ? port(f) : null;
        return new HttpRoute.BackendRef(f.string("name"), f.string("namespace", routeNamespace), port, weight, f.location());
    }

    private static HttpRoute.Timeouts timeouts(Fields rule) {
        if (!rule.has("timeouts")) {
            return HttpRoute.Timeouts.NONE;
        }
        Fields f = rule.object("timeouts", "request", "backendRequest");
        Duration request = f.duration("request", null);
        Duration backendRequest = f.duration("backendRequest", null);
        if (request != null && backendRequest != null && !request.isZero()
                && (backendRequest.isZero() || backendRequest.compareTo(request) > 0)) {
            throw f.error("backendRequest", GatewayDuration.format(backendRequest)
                    + " (expected: <= request timeout " + GatewayDuration.format(request) + ")");
        }
        return new HttpRoute.Timeouts(request, backendRequest);
    }

    @Override
    public void check(HttpRoute route, ResourceSet all, List<ConfigProblem> problems) {
        checkReferences(route, all, problems);
    }

    /** The checks both route kinds share: host names, parents, backends and mirrors. */
    static void checkReferences(HttpRoute route, ResourceSet all, List<ConfigProblem> problems) {
        checkHostnames(route, all, problems);
        for (int i = 0; i < route.parentRefs().size(); i++) {
            HttpRoute.ParentRef ref = route.parentRefs().get(i);
            String field = "spec.parentRefs[" + i + "]";
            checkService(all, ref.namespace(), ref.name(), ref.port(), ref.location(), field, problems);
        }
        for (int r = 0; r < route.rules().size(); r++) {
            List<HttpRoute.BackendRef> refs = route.rules().get(r).backendRefs();
            for (int b = 0; b < refs.size(); b++) {
                HttpRoute.BackendRef ref = refs.get(b);
                String field = "spec.rules[" + r + "].backendRefs[" + b + "]";
                checkService(all, ref.namespace(), ref.name(), ref.port(), ref.location(), field, problems);
            }
            for (RequestMirror mirror : route.rules().get(r).mirrors()) {
                checkService(all, mirror.namespace(), mirror.name(), mirror.port(), mirror.location(), mirror.field(), problems);
            }
        }
    }

    /** Two virtual hosts may not share a domain: a host name must not already name another Service. */
    private static void checkHostnames(HttpRoute route, ResourceSet all, List<ConfigProblem> problems) {
        if (route.hostnames().isEmpty()) {
            return;
        }
        HttpRoute.ParentRef parent = route.parentRefs().get(0);
        for (String hostname : route.hostnames()) {
            for (Service s : all.services()) {
                boolean own = s.name().equals(parent.name()) && s.namespace().equals(parent.namespace());
                if (!own && XdsNames.domains(s).contains(hostname)) {
                    problems.add(new ConfigProblem(route.location(), "spec.hostnames: " + hostname
                            + " (expected: a host name no other Service has; it names Service " + s.namespace() + "/" + s.name() + ")"));
                }
            }
            for (HttpRoute other : all.httpRoutes()) {
                if (other == route) {
                    break; // report a clash once, at the later route
                }
                HttpRoute.ParentRef otherParent = other.parentRefs().get(0);
                boolean sameParent = otherParent.name().equals(parent.name()) && otherParent.namespace().equals(parent.namespace());
                if (!sameParent && other.hostnames().contains(hostname)) {
                    problems.add(new ConfigProblem(route.location(), "spec.hostnames: " + hostname
                            + " (expected: a host name no other Service has; HTTPRoute " + other.namespace() + "/" + other.name()
                            + " at " + other.location() + " gives it to Service " + otherParent.namespace() + "/" + otherParent.name() + ")"));
                }
            }
        }
    }

    private static void checkService(ResourceSet all, String namespace, String name, Integer port, Location at,
                                     String field, List<ConfigProblem> problems) {
        Optional<Service> service = all.service(namespace, name);
        if (service.isEmpty()) {
            problems.add(new ConfigProblem(at, field + ".name: " + name + " (expected: an existing Service; none named "
                    + name + " in namespace " + namespace + ")"));
        } else if (service.get().protocol() == Protocol.TCP) {
            problems.add(new ConfigProblem(at, field + ".name: " + name + " (expected: an http, http2 or grpc Service; "
                    + name + " speaks tcp)"));
        } else if (port != null && port != service.get().port()) {
            problems.add(new ConfigProblem(at, field + ".port: " + port + " (expected: " + service.get().port()
                    + ", the port of Service " + name + ")"));
        }
    }
}
