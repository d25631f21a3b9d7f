package dev.trellis.proxy.xds;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.trellis.config.xds.TlsTranslator;
import dev.trellis.config.xds.XdsNames;
import dev.trellis.proxy.config.Authorization;
import dev.trellis.proxy.config.IdleTimeouts;
import dev.trellis.proxy.config.ListenerConfig;
import dev.trellis.proxy.config.ListenerConfig.Direction;
import dev.trellis.proxy.config.ListenerConfig.ListenerProtocol;
import dev.trellis.proxy.config.ListenerTelemetry;
import dev.trellis.proxy.telemetry.tracing.TracingEnvironment;
import io.envoyproxy.envoy.config.core.v3.TrafficDirection;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.listener.v3.ListenerFilter;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * LDS Listener to {@link ListenerConfig}. The shapes the proxy applies: one filter chain with an HTTP
 * connection manager (routes by RDS) or a tcp_proxy; or, with the http_inspector listener filter, an
 * HTTP chain matched on application protocols plus a tcp_proxy default chain (protocol detection).
 * Direction comes from traffic_direction, else from the name ("inbound" is inbound). Tracing and the access log
 * come from the connection manager (see {@link TelemetryDecoder}), completed from the sidecar's environment.
 */
public final class ListenerDecoder {
    static final String TYPE = "listener";
    /** Envoy's default listener_filters_timeout. */
    static final Duration ENVOY_DETECT_TIMEOUT = Duration.ofSeconds(15);

    private ListenerDecoder() {}

    public static ListenerConfig decode(Listener l) {
        return decode(l, TracingEnvironment.system());
    }

    /** @param env the OpenTelemetry environment variables that complete the mesh's tracing settings */
    public static ListenerConfig decode(Listener l, TracingEnvironment env) {
        String name = l.getName();
        if (name.isEmpty()) {
            throw new XdsResourceException(TYPE, name, "name: \"\" (expected: a name)");
        }
        Direction direction = switch (l.getTrafficDirection()) {
            case INBOUND -> Direction.INBOUND;
            case OUTBOUND -> Direction.OUTBOUND;
            default -> name.equals(XdsNames.INBOUND_LISTENER) ? Direction.INBOUND : Direction.OUTBOUND;
        };
        int port = l.getAddress().hasSocketAddress() ? l.getAddress().getSocketAddress().getPortValue() : 0;
        boolean inspector = false;
        for (int i = 0; i < l.getListenerFiltersCount(); i++) {
            ListenerFilter f = l.getListenerFilters(i);
            if (f.getName().equals(TlsTranslator.TLS_INSPECTOR)) {
                continue; // TLS is told apart whenever a chain terminates it
            }
            if (!f.getName().equals(XdsNames.HTTP_INSPECTOR)) {
                throw new XdsResourceException(TYPE, name, "listener_filters[" + i + "].name: " + f.getName()
                        + " (expected: " + XdsNames.HTTP_INSPECTOR + " or " + TlsTranslator.TLS_INSPECTOR + ")");
            }
            inspector = true;
        }
        String routeTable = null;
        String tcpCluster = null;
        TlsDecoder.Chains tls = new TlsDecoder.Chains();
        Authorization authorization = null;
        ListenerTelemetry telemetry = null;
        IdleTimeouts idleTimeouts = null;
        List<FilterChain> chains = new ArrayList<>(l.getFilterChainsList());
        if (l.hasDefaultFilterChain()) {
            chains.add(l.getDefaultFilterChain());
        }
        if (chains.isEmpty()) {
            throw new XdsResourceException(TYPE, name, "filter_chains: [] (expected: at least one filter chain)");
        }
        for (int c = 0; c < chains.size(); c++) {
            String field = c < l.getFilterChainsCount() ? "filter_chains[" + c + "]" : "default_filter_chain";
            FilterChain chain = chains.get(c);
            checkMatch(chain.getFilterChainMatch(), name, field);
            tls.chain(chain, name, field);
            if (chain.getFiltersCount() != 1) {
                throw new XdsResourceException(TYPE, name, field + ".filters: " + chain.getFiltersCount()
                        + " filters (expected: exactly one, " + XdsNames.HTTP_CONNECTION_MANAGER + " or " + XdsNames.TCP_PROXY + ")");
            }
            Filter filter = chain.getFilters(0);
            String f = field + ".filters[0]";
            switch (filter.getName()) {
                case XdsNames.HTTP_CONNECTION_MANAGER -> {
                    HttpConnectionManager hcm = unpack(filter.getTypedConfig(), HttpConnectionManager.class, name, f);
                    ListenerTelemetry t = TelemetryDecoder.decode(hcm, env, name, f);
                    if (telemetry != null && !telemetry.equals(t)) {
                        throw new XdsResourceException(TYPE, name, f + ": tracing or access_log that differ from the listener's "
                                + "other HTTP chain (expected: the same on every chain)");
                    }
                    telemetry = t;
                    idleTimeouts = IdleTimeoutDecoder.decode(hcm, idleTimeouts, name, f);
                    AuthorizationDecoder.Decoded rbac = AuthorizationDecoder.decode(hcm, name, f);
                    if (authorization != null && !authorization.equals(rbac.authorization())) {
                        throw new XdsResourceException(TYPE, name, f + ".http_filters: RBAC filters that differ from the listener's "
                                + "other HTTP chain (expected: the same policies on every chain)");
                    }
                    authorization = rbac.authorization();
                    String rds = rds(rbac.rest(), name, f);
                    if (routeTable != null && !routeTable.equals(rds)) {
                        throw new XdsResourceException(TYPE, name, f + ".rds.route_config_name: " + rds
                                + " (expected: " + routeTable + ", as in the listener's other chain)");
                    }
                    routeTable = rds;
                }
                case XdsNames.TCP_PROXY -> {
                    String cluster = tcpCluster(unpack(filter.getTypedConfig(), TcpProxy.class, name, f), name, f);
                    if (tcpCluster != null && !tcpCluster.equals(cluster)) {
                        throw new XdsResourceException(TYPE, name, f + ".cluster: " + cluster
                                + " (expected: " + tcpCluster + ", as in the listener's other chain)");
                    }
                    tcpCluster = cluster;
                }
                default -> throw new XdsResourceException(TYPE, name, f + ".name: " + filter.getName()
                        + " (expected: " + XdsNames.HTTP_CONNECTION_MANAGER + " or " + XdsNames.TCP_PROXY + ")");
            }
        }
        ListenerProtocol protocol = routeTable != null ? ListenerProtocol.HTTP : ListenerProtocol.TCP;
        boolean detect = inspector && routeTable != null && tcpCluster != null;
        Duration detectTimeout = l.hasListenerFiltersTimeout()
                ? Durations.of(l.getListenerFiltersTimeout(), TYPE, name, "listener_filters_timeout")
                : ENVOY_DETECT_TIMEOUT;
        if (detect && detectTimeout.isZero()) {
            throw new XdsResourceException(TYPE, name, "listener_filters_timeout: 0s (expected: > 0 with http_inspector)");
        }
        ListenerConfig decoded = new ListenerConfig(name, direction, port, protocol, routeTable, tcpCluster, detect,
                detectTimeout.isZero() ? ListenerConfig.DEFAULT_DETECT_TIMEOUT : detectTimeout, tls.mode(),
                authorization == null ? Authorization.NONE : authorization, telemetry == null ? ListenerTelemetry.NONE : telemetry);
        return idleTimeouts == null ? decoded : decoded.withIdleTimeouts(idleTimeouts);
    }

    /** Only application protocol (the http_inspector's result) and transport protocol (tls_inspector's) matching is applied. */
    private static void checkMatch(FilterChainMatch m, String name, String field) {
        FilterChainMatch onlyProtocols = FilterChainMatch.newBuilder().addAllApplicationProtocols(m.getApplicationProtocolsList())
                .setTransportProtocol(m.getTransportProtocol()).build();
        if (!m.equals(onlyProtocols)) {
            throw new XdsResourceException(TYPE, name, field + ".filter_chain_match: " + m.toString().replace('\n', ' ').trim()
                    + " (expected: application_protocols and transport_protocol only)");
        }
    }

    private static String rds(HttpConnectionManager hcm, String name, String field) {
        if (hcm.getRouteSpecifierCase() != HttpConnectionManager.RouteSpecifierCase.RDS) {
            throw new XdsResourceException(TYPE, name, field + ".route_specifier: " + hcm.getRouteSpecifierCase()
                    + " (expected: rds)");
        }
        String routeConfig = hcm.getRds().getRouteConfigName();
        if (routeConfig.isEmpty()) {
            throw new XdsResourceException(TYPE, name, field + ".rds.route_config_name: \"\" (expected: a route configuration name)");
        }
        httpFilters(hcm, name, field);
        return routeConfig;
    }

    /**
     * The proxy runs local rate limiting, then fault injection, then the router, whatever the order here; each
     * filter is configured per route, so the listener-level configuration must be empty.
     */
    private static void httpFilters(HttpConnectionManager hcm, String name, String field) {
        Set<String> seen = new HashSet<>();
        int count = hcm.getHttpFiltersCount();
        for (int i = 0; i < count; i++) {
            HttpFilter f = hcm.getHttpFilters(i);
            String at = field + ".http_filters[" + i + "]";
            boolean last = i == count - 1;
            String expected = last ? XdsNames.ROUTER : XdsNames.LOCAL_RATE_LIMIT + " or " + XdsNames.FAULT;
            if (!(last ? f.getName().equals(XdsNames.ROUTER) : f.getName().equals(XdsNames.LOCAL_RATE_LIMIT) || f.getName().equals(XdsNames.FAULT))) {
                throw new XdsResourceException(TYPE, name, at + ".name: " + f.getName() + " (expected: " + expected + ")");
            }
            if (!seen.add(f.getName())) {
                throw new XdsResourceException(TYPE, name, at + ".name: " + f.getName() + " (expected: each filter once)");
            }
            if (!f.hasTypedConfig()) {
                continue;
            }
            if (f.getName().equals(XdsNames.FAULT)) {
                HTTPFault fault = unpack(f.getTypedConfig(), HTTPFault.class, name, at);
                if (fault.hasDelay() || fault.hasAbort()) {
                    throw new XdsResourceException(TYPE, name, at + ".typed_config: a delay or an abort (expected: none; faults are set per route)");
                }
            } else if (f.getName().equals(XdsNames.LOCAL_RATE_LIMIT)) {
                LocalRateLimit limit = unpack(f.getTypedConfig(), LocalRateLimit.class, name, at);
                if (limit.hasTokenBucket()) {
                    throw new XdsResourceException(TYPE, name, at + ".typed_config.token_bucket: set (expected: none; limits are set per route)");
                }
            }
        }
    }

    private static String tcpCluster(TcpProxy tcp, String name, String field) {
        if (tcp.getClusterSpecifierCase() != TcpProxy.ClusterSpecifierCase.CLUSTER || tcp.getCluster().isEmpty()) {
            throw new XdsResourceException(TYPE, name, field + ".cluster: " + tcp.getClusterSpecifierCase()
                    + " (expected: a cluster name)");
        }
        return tcp.getCluster();
    }

    private static <T extends Message> T unpack(Any any, Class<T> type, String name, String field) {
        try {
            return any.unpack(type);
        } catch (InvalidProtocolBufferException e) {
            throw new XdsResourceException(TYPE, name, field + ".typed_config: " + any.getTypeUrl()
                    + " (expected: " + type.getSimpleName() + ")");
        }
    }
}
