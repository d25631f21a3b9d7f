package dev.trellis.proxy.xds;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.trellis.config.xds.XdsNames;
import dev.trellis.config.xds.XdsResources;
import dev.trellis.proxy.config.ProxySnapshot;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the proxy accepted over ADS, per resource type, and the rules for accepting more. Not thread-safe:
 * the ADS client owns it on its one thread. No gRPC here, so it is tested without a network.
 *
 * <p>Each response is checked resource by resource with the same decoders as standalone mode; one
 * resource the proxy cannot apply NACKs the whole response and nothing of it is kept. Listener and
 * cluster responses are complete sets; route configuration and endpoint responses may carry only what
 * changed (xDS allows it for these types) and are merged. An accepted response
 * is ACKed, then the accepted resources of all types are assembled: the result is applied only when it is
 * complete and consistent — every route configuration a listener names and the endpoints of every EDS
 * cluster have arrived (Envoy's warming), and every route's clusters exist. Until then the proxy keeps
 * serving what it has; the control plane sends clusters, endpoints, listeners and routes in that order,
 * so a change becomes consistent within one push, and applies as one atomic swap.
 */
final class AdsState {
    static final String LISTENER = "type.googleapis.com/envoy.config.listener.v3.Listener";
    static final String ROUTE = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration";
    static final String CLUSTER = "type.googleapis.com/envoy.config.cluster.v3.Cluster";
    static final String ENDPOINT = "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment";
    /** SDS: only the trust bundle {@code ROOTCA}, kept apart from the configuration snapshot (see {@link #trustBundle()}). */
    static final String SECRET = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret";
    /** Subscription order on a new stream. */
    static final List<String> TYPES = List.of(CLUSTER, ENDPOINT, LISTENER, ROUTE);

    private static final Map<String, Class<? extends Message>> CLASSES = Map.of(
            LISTENER, Listener.class, ROUTE, RouteConfiguration.class, CLUSTER, Cluster.class, ENDPOINT, ClusterLoadAssignment.class);
    private static final Map<String, String> SHORT = Map.of(
            LISTENER, "listeners", ROUTE, "routes", CLUSTER, "clusters", ENDPOINT, "endpoints");

    private final Map<String, Map<String, Message>> accepted = new LinkedHashMap<>();
    private final Map<String, String> versions = new LinkedHashMap<>();
    private String appliedFingerprint;
    private List<X509Certificate> trustBundle;
    private String secretVersion = "";

    /** The outcome of one response. @param error the NACK's detail, null for an ACK */
    record Verdict(String error) {
        boolean ack() {
            return error == null;
        }
    }

    static String shortName(String typeUrl) {
        return SHORT.getOrDefault(typeUrl, typeUrl);
    }

    /** Checks and, when every resource is usable, keeps a response. */
    Verdict accept(DiscoveryResponse response) {
        String type = response.getTypeUrl();
        if (type.equals(SECRET)) {
            return acceptSecrets(response);
        }
        Class<? extends Message> cls = CLASSES.get(type);
        if (cls == null) {
            return new Verdict("type_url: " + type + " (expected: one of " + String.join(", ", TYPES) + ")");
        }
        Map<String, Message> byName = new LinkedHashMap<>();
        try {
            for (Any any : response.getResourcesList()) {
                Message m = unpack(any, cls, type);
                String name = validate(m);
                if (byName.put(name, m) != null) {
                    throw new XdsResourceException(resourceType(type), name, "name: " + name + " (expected: unique; it appears twice)");
                }
            }
        } catch (XdsResourceException e) {
            return new Verdict(e.getMessage());
        }
        if (type.equals(ROUTE) || type.equals(ENDPOINT)) {
            // not "state of the world" types: a response may carry only what changed; what is no longer
            // named by a listener or cluster goes
            Map<String, Message> merged = new LinkedHashMap<>(of(type));
            merged.keySet().retainAll(subscription(type));
            merged.putAll(byName);
            byName = merged;
        }
        accepted.put(type, byName);
        versions.put(shortName(type), response.getVersionInfo());
        return new Verdict(null);
    }

    /**
     * The trust bundle: a response whose {@code ROOTCA} is malformed is NACKed and the last good bundle kept.
     * Other secrets (not subscribed to) are ignored.
     */
    private Verdict acceptSecrets(DiscoveryResponse response) {
        List<X509Certificate> roots = null;
        try {
            for (Any any : response.getResourcesList()) {
                Secret secret = (Secret) unpack(any, Secret.class, SECRET);
                if (secret.getName().equals(TrustBundleDecoder.ROOTCA)) {
                    roots = TrustBundleDecoder.decode(secret);
                }
            }
        } catch (XdsResourceException e) {
            return new Verdict(e.getMessage());
        }
        if (roots != null) {
            trustBundle = roots;
        }
        secretVersion = response.getVersionInfo();
        return new Verdict(null);
    }

    /** The last good trust bundle pushed (SDS ROOTCA), null before any. */
    List<X509Certificate> trustBundle() {
        return trustBundle;
    }

    private static Message unpack(Any any, Class<? extends Message> cls, String type) {
        if (!any.getTypeUrl().equals(type)) {
            throw new XdsResourceException(resourceType(type), "", "type_url: " + any.getTypeUrl() + " (expected: " + type + ")");
        }
        try {
            return any.unpack(cls);
        } catch (InvalidProtocolBufferException e) {
            throw new XdsResourceException(resourceType(type), "", "cannot be parsed: " + e.getMessage());
        }
    }

    /** Decodes one resource with the standalone decoders (throwing what becomes the NACK); returns its name. */
    private static String validate(Message m) {
        if (m instanceof Listener l) {
            ListenerDecoder.decode(l);
            return l.getName();
        }
        if (m instanceof RouteConfiguration rc) {
            RouteDecoder.decode(rc);
            return rc.getName();
        }
        if (m instanceof Cluster c) {
            ClusterDecoder.decode(c);
            return c.getName();
        }
        ClusterLoadAssignment cla = (ClusterLoadAssignment) m;
        EndpointDecoder.decode(cla);
        return cla.getClusterName();
    }

    private static String resourceType(String typeUrl) {
        return switch (typeUrl) {
            case LISTENER -> ListenerDecoder.TYPE;
            case ROUTE -> RouteDecoder.TYPE;
            case CLUSTER -> ClusterDecoder.TYPE;
            case SECRET -> TrustBundleDecoder.TYPE;
            default -> EndpointDecoder.TYPE;
        };
    }

    /** The version accepted for a type URL, "" before any. */
    String version(String typeUrl) {
        if (typeUrl.equals(SECRET)) {
            return secretVersion;
        }
        return versions.getOrDefault(shortName(typeUrl), "");
    }

    /** The resource names to subscribe to: none (all) for listeners and clusters, else what they reference. */
    Set<String> subscription(String typeUrl) {
        return switch (typeUrl) {
            case ROUTE -> routeNames();
            case ENDPOINT -> edsClusters();
            case SECRET -> Set.of(TrustBundleDecoder.ROOTCA);
            default -> Set.of();
        };
    }

    /** The EDS service names of the accepted clusters. */
    private Set<String> edsClusters() {
        Set<String> out = new TreeSet<>();
        for (Message m : of(CLUSTER).values()) {
            Cluster c = (Cluster) m;
            if (c.getType() == Cluster.DiscoveryType.EDS) {
                String service = c.getEdsClusterConfig().getServiceName();
                out.add(service.isEmpty() ? c.getName() : service);
            }
        }
        return out;
    }

    /** The route configurations the accepted listeners name. */
    private Set<String> routeNames() {
        Set<String> out = new TreeSet<>();
        for (Message m : of(LISTENER).values()) {
            Listener l = (Listener) m;
            List<FilterChain> chains = new ArrayList<>(l.getFilterChainsList());
            if (l.hasDefaultFilterChain()) {
                chains.add(l.getDefaultFilterChain());
            }
            for (FilterChain chain : chains) {
                for (Filter f : chain.getFiltersList()) {
                    if (f.getName().equals(XdsNames.HTTP_CONNECTION_MANAGER)) {
                        try {
                            HttpConnectionManager hcm = f.getTypedConfig().unpack(HttpConnectionManager.class);
                            if (hcm.hasRds()) {
                                out.add(hcm.getRds().getRouteConfigName());
                            }
                        } catch (InvalidProtocolBufferException e) {
                            // the listener decoder refused it already
                        }
                    }
                }
            }
        }
        return out;
    }

    private Map<String, Message> of(String type) {
        return accepted.getOrDefault(type, Map.of());
    }

    /**
     * The snapshot to apply, when the accepted resources are complete, consistent and differ from the
     * last one applied.
     *
     * @return empty while warming; {@link Assembly#waitingFor} says for what
     */
    Assembly assemble() {
        List<String> missing = new ArrayList<>();
        for (String type : List.of(CLUSTER, LISTENER)) {
            if (!accepted.containsKey(type)) {
                missing.add(shortName(type));
            }
        }
        Set<String> routes = new LinkedHashSet<>(routeNames());
        routes.removeAll(of(ROUTE).keySet());
        routes.forEach(r -> missing.add("route configuration " + r));
        Set<String> endpoints = new LinkedHashSet<>(edsClusters());
        endpoints.removeAll(of(ENDPOINT).keySet());
        endpoints.forEach(c -> missing.add("endpoints of " + c));
        if (!missing.isEmpty()) {
            return new Assembly(Optional.empty(), String.join(", ", missing));
        }
        XdsResources xds = new XdsResources(list(LISTENER, Listener.class), list(ROUTE, RouteConfiguration.class, routeNames()),
                list(CLUSTER, Cluster.class), list(ENDPOINT, ClusterLoadAssignment.class, edsClusters()));
        ProxySnapshot snapshot;
        try {
            snapshot = XdsDecoder.decode(xds, versions);
        } catch (XdsResourceException e) {
            // a reference the rest of this push resolves (a cluster dropped before the route naming it)
            return new Assembly(Optional.empty(), e.getMessage());
        }
        String fingerprint = versions.toString();
        if (fingerprint.equals(appliedFingerprint)) {
            return new Assembly(Optional.empty(), null);
        }
        appliedFingerprint = fingerprint;
        return new Assembly(Optional.of(snapshot), null);
    }

    /** @param waitingFor why nothing is applied yet; null when the accepted state is the applied one */
    record Assembly(Optional<ProxySnapshot> snapshot, String waitingFor) {}

    private <T extends Message> List<T> list(String type, Class<T> cls) {
        return of(type).values().stream().map(cls::cast).toList();
    }

    /** Only those still named: a route configuration or assignment kept from before is not applied once unreferenced. */
    private <T extends Message> List<T> list(String type, Class<T> cls, Set<String> named) {
        return of(type).entrySet().stream().filter(e -> named.contains(e.getKey())).map(e -> cls.cast(e.getValue())).toList();
    }
}
