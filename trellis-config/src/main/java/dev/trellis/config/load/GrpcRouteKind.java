package dev.trellis.config.load;

import dev.trellis.config.ConfigProblem;
import dev.trellis.config.Location;
import dev.trellis.config.ResourceSet;
import dev.trellis.config.resource.GrpcRoute;
import dev.trellis.config.resource.HttpRoute;
import dev.trellis.config.resource.Metadata;
import dev.trellis.config.yaml.Fields;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads Gateway API GRPCRoute: the same spec as an HTTPRoute (parentRefs, hostnames, weighted backendRefs, the
 * header and mirror filters, and Trellis's timeouts, retry, fault and rateLimit) with gRPC matches. A method match
 * becomes the path it stands for: service and method exactly, {@code /<service>/<method>}; the service alone, the
 * prefix {@code /<service>}; the method alone, or regular expressions, a regular expression over the path.
 */
public final class GrpcRouteKind implements ResourceKind<GrpcRoute> {
    /** Gateway API's rules for a service (dotted identifiers) and a method (an identifier). */
    private static final Pattern SERVICE = Pattern.compile("^[A-Za-z_][A-Za-z_0-9]*(\\.[A-Za-z_][A-Za-z_0-9]*)*$");
    private static final Pattern METHOD = Pattern.compile("^[A-Za-z_][A-Za-z_0-9]*$");
    private static final String ANY_SEGMENT = "[^/]+";

    @Override
    public String kind() {
        return GrpcRoute.KIND;
    }

    @Override
    public List<String> apiVersions() {
        return List.of("gateway.networking.k8s.io/v1", "gateway.networking.k8s.io/v1alpha2");
    }

    @Override
    public Class<GrpcRoute> type() {
        return GrpcRoute.class;
    }

    @Override
    public GrpcRoute read(Metadata metadata, Location location, Fields document) {
        return new GrpcRoute(metadata, location, HttpRouteKind.read(metadata, location, document, GrpcRouteKind::rule));
    }

    private static HttpRoute.Rule rule(Fields f, String routeNamespace) {
        List<HttpRoute.Match> matches = new ArrayList<>();
        for (Fields.Item item : f.list("matches")) {
            matches.add(match(item.object("method", "headers")));
        }
        HttpRoute.Rule rule = HttpRouteKind.rule(f, routeNamespace, matches);
        if (rule.urlRewrite() != null || rule.redirect() != null) {
            String type = rule.urlRewrite() != null ? RouteFilterReader.REWRITE : RouteFilterReader.REDIRECT;
            throw f.error("filters", type + " (expected: RequestHeaderModifier, ResponseHeaderModifier or RequestMirror; "
                    + "a GRPCRoute has no " + type + ")");
        }
        return rule;
    }

    /** A GRPCRouteMatch: the method as the path it stands for, and headers (gRPC metadata). */
    static HttpRoute.Match match(Fields m) {
        List<HttpRoute.HeaderMatch> headers = RouteMatchReader.headers(m);
        if (!m.has("method")) {
            return new HttpRoute.Match(HttpRoute.Match.ANY.path(), headers, List.of(), null);
        }
        Fields f = m.object("method", "type", "service", "method");
        String type = f.string("type", "Exact");
        if (!type.equals("Exact") && !type.equals("RegularExpression")) {
            throw f.invalid("type", "Exact or RegularExpression");
        }
        String service = f.has("service") ? f.string("service") : null;
        String method = f.has("method") ? f.string("method") : null;
        if (service == null && method == null) {
            throw f.error("service", "missing (expected: service, method or both)");
        }
        HttpRoute.PathMatch path;
        if (type.equals("RegularExpression")) {
            if (service != null) {
                RouteMatchReader.compile(f, "service", service);
            }
            if (method != null) {
                RouteMatchReader.compile(f, "method", method);
            }
            path = new HttpRoute.PathMatch(HttpRoute.PathType.REGULAR_EXPRESSION,
                    "/(?:" + (service == null ? ANY_SEGMENT : service) + ")/(?:" + (method == null ? ANY_SEGMENT : method) + ")");
        } else {
            if (service != null && !SERVICE.matcher(service).matches()) {
                throw f.invalid("service", "a gRPC service name: identifiers joined by '.', e.g. shop.v1.Catalog");
            }
            if (method != null && !METHOD.matcher(method).matches()) {
                throw f.invalid("method", "a gRPC method name: letters, digits and '_'");
            }
            if (service != null && method != null) {
                path = new HttpRoute.PathMatch(HttpRoute.PathType.EXACT, "/" + service + "/" + method);
            } else if (service != null) {
                path = new HttpRoute.PathMatch(HttpRoute.PathType.PATH_PREFIX, "/" + service);
            } else {
                path = new HttpRoute.PathMatch(HttpRoute.PathType.REGULAR_EXPRESSION, "/" + ANY_SEGMENT + "/" + method);
            }
        }
        return new HttpRoute.Match(path, headers, List.of(), null);
    }

    @Override
    public void check(GrpcRoute route, ResourceSet all, List<ConfigProblem> problems) {
        HttpRouteKind.checkReferences(route.route(), all, problems);
    }
}
