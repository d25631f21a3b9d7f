package dev.trellis.config.xds;

import dev.trellis.config.resource.Service;
import java.util.List;

/**
 * The naming conventions shared by the translator, the proxy and tests, and the keys of Trellis's own
 * filter metadata (namespace {@value #METADATA_NAMESPACE}).
 */
public final class XdsNames {
    public static final String OUTBOUND_LISTENER = "outbound";
    public static final String INBOUND_LISTENER = "inbound";
    public static final String OUTBOUND_ROUTES = "outbound";
    public static final String INBOUND_ROUTES = "inbound";
    public static final String INBOUND_ROUTE = "inbound";
    /** The implicit route of a Service no HTTPRoute is attached to. */
    public static final String DEFAULT_ROUTE = "default";

    public static final String METADATA_NAMESPACE = "trellis";
    public static final String KEY_SERVICE = "service";
    public static final String KEY_PROTOCOL = "protocol";
    public static final String KEY_LB = "lb";
    public static final String KEY_MESHED = "meshed";
    public static final String KEY_LABELS = "labels";
    public static final String LB_PEAK_EWMA = "peak_ewma";
    /** Route: {nonIdempotent: bool, maxReplayBytes: number}, the retry knobs Envoy has no field for. */
    public static final String KEY_RETRY = "retry";
    public static final String KEY_NON_IDEMPOTENT = "nonIdempotent";
    public static final String KEY_MAX_REPLAY_BYTES = "maxReplayBytes";
    /** Route: {headerControlled: bool, grpcStatus: number}, what HTTPFault's one-of fields cannot say together. */
    public static final String KEY_FAULT = "fault";
    public static final String KEY_HEADER_CONTROLLED = "headerControlled";
    public static final String KEY_GRPC_STATUS = "grpcStatus";
    /** Cluster: {ratio: number, minRetriesPerSecond: number, window: "10s"}, a rate-based budget Envoy has no field for. */
    public static final String KEY_RETRY_BUDGET = "retryBudget";
    public static final String KEY_RATIO = "ratio";
    public static final String KEY_MIN_RETRIES_PER_SECOND = "minRetriesPerSecond";
    public static final String KEY_WINDOW = "window";

    public static final String HTTP_CONNECTION_MANAGER = "envoy.filters.network.http_connection_manager";
    public static final String TCP_PROXY = "envoy.filters.network.tcp_proxy";
    public static final String ROUTER = "envoy.filters.http.router";
    public static final String FAULT = "envoy.filters.http.fault";
    public static final String LOCAL_RATE_LIMIT = "envoy.filters.http.local_ratelimit";
    public static final String LOCAL_RATE_LIMIT_STAT_PREFIX = "http_local_rate_limiter";
    public static final String PREVIOUS_HOSTS = "envoy.retry_host_predicates.previous_hosts";
    public static final String HTTP_INSPECTOR = "envoy.filters.listener.http_inspector";
    public static final String HTTP_PROTOCOL_OPTIONS = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";

    private XdsNames() {}

    /** "catalog.default". */
    public static String cluster(String name, String namespace) {
        return name + "." + namespace;
    }

    public static String cluster(Service service) {
        return cluster(service.name(), service.namespace());
    }

    /** "inbound|8080": the local application. */
    public static String inboundCluster(int appPort) {
        return "inbound|" + appPort;
    }

    public static String outboundTcpListener(int port) {
        return "outbound_tcp_" + port;
    }

    /** "&lt;HTTPRoute name&gt;/&lt;rule name or index&gt;". */
    public static String route(String httpRoute, String rule) {
        return httpRoute + "/" + rule;
    }

    /** The authorities that name a Service: name, name.namespace, name.namespace.svc.cluster.local, each with and without the port. */
    public static List<String> domains(Service service) {
        String n = service.name();
        String ns = service.namespace();
        String p = ":" + service.port();
        String fqdn = n + "." + ns + ".svc.cluster.local";
        return List.of(n, n + p, n + "." + ns, n + "." + ns + p, fqdn, fqdn + p);
    }
}
