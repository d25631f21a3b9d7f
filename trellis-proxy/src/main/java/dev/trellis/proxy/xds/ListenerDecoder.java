package dev.trellis.proxy.xds;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.trellis.config.xds.XdsNames;
import dev.trellis.proxy.config.ListenerConfig;
import dev.trellis.proxy.config.ListenerConfig.Direction;
import dev.trellis.proxy.config.ListenerConfig.ListenerProtocol;
import io.envoyproxy.envoy.config.core.v3.TrafficDirection;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.listener.v3.ListenerFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * LDS Listener to {@link ListenerConfig}. The shapes the proxy applies: one filter chain with an HTTP
 * connection manager (routes by RDS) or a tcp_proxy; or, with the http_inspector listener filter, an
 * HTTP chain matched on application protocols plus a tcp_proxy default chain (protocol detection).
 * Direction comes from traffic_direction, else from the name ("inbound" is inbound).
 */
public final class ListenerDecoder {
    static final String TYPE = "listener";
    /** Envoy's default listener_filters_timeout. */
    static final Duration ENVOY_DETECT_TIMEOUT = Duration.ofSeconds(15);

    private ListenerDecoder() {}

    public static ListenerConfig decode(Listener l) {
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
            if (!f.getName().equals(XdsNames.HTTP_INSPECTOR)) {
                throw new XdsResourceException(TYPE, name, "listener_filters[" + i + "].name: " + f.getName()
                        + " (expected: " + XdsNames.HTTP_INSPECTOR + ")");
            }
            inspector = true;
        }
        String routeTable = null;
        String tcpCluster = null;
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
            if (chain.hasTransportSocket()) {
                throw new XdsResourceException(TYPE, name, field + ".transport_socket: " + chain.getTransportSocket().getName()
                        + " (expected: none; TLS is not configured through listeners yet)");
            }
            if (chain.getFiltersCount() != 1) {
                throw new XdsResourceException(TYPE, name, field + ".filters: " + chain.getFiltersCount()
                        + " filters (expected: exactly one, " + XdsNames.HTTP_CONNECTION_MANAGER + " or " + XdsNames.TCP_PROXY + ")");
            }
            Filter filter = chain.getFilters(0);
            String f = field + ".filters[0]";
            switch (filter.getName()) {
                case XdsNames.HTTP_CONNECTION_MANAGER -> {
                    String rds = rds(unpack(filter.getTypedConfig(), HttpConnectionManager.class, name, f), name, f);
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
        return new ListenerConfig(name, direction, port, protocol, routeTable, tcpCluster, detect,
                detectTimeout.isZero() ? ListenerConfig.DEFAULT_DETECT_TIMEOUT : detectTimeout);
    }

    /** Only application protocol matching (the http_inspector's result) is applied. */
    private static void checkMatch(FilterChainMatch m, String name, String field) {
        FilterChainMatch onlyProtocols = FilterChainMatch.newBuilder().addAllApplicationProtocols(m.getApplicationProtocolsList()).build();
        if (!m.equals(onlyProtocols)) {
            throw new XdsResourceException(TYPE, name, field + ".filter_chain_match: " + m.toString().replace('\n', ' ').trim()
                    + " (expected: application_protocols only)");
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
        for (int i = 0; i < hcm.getHttpFiltersCount(); i++) {
            HttpFilter f = hcm.getHttpFilters(i);
            if (!f.getName().equals(XdsNames.ROUTER)) {
                throw new XdsResourceException(TYPE, name, field + ".http_filters[" + i + "].name: " + f.getName()
                        + " (expected: " + XdsNames.ROUTER + ")");
            }
        }
        return routeConfig;
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
