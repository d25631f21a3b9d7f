package dev.trellis.config.xds;

import com.google.protobuf.Any;
import dev.trellis.config.load.PeerAuthenticationKind;
import dev.trellis.config.resource.AuthorizationPolicy;
import dev.trellis.config.resource.PeerAuthentication.MtlsMode;
import dev.trellis.config.resource.Protocol;
import dev.trellis.config.resource.Service;
import dev.trellis.config.resource.Telemetry;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.core.v3.TrafficDirection;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.listener.v3.ListenerFilter;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.listener.http_inspector.v3.HttpInspector;
import io.envoyproxy.envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * LDS: "outbound" (HTTP, routes "outbound"), "inbound" (HTTP with protocol detection falling back to TCP,
 * or TCP for a tcp Service; mutual TLS chains per its PeerAuthentication mode, see {@link TlsTranslator}) and
 * "outbound_tcp_&lt;port&gt;" per tcp Service. The outbound and inbound addresses carry port 0: the proxy binds
 * the ports it was started with.
 */
final class ListenerTranslator {
    static final Duration DETECT_TIMEOUT = Duration.ofSeconds(1);

    private ListenerTranslator() {}

    static List<Listener> translate(List<Service> services, ProxyNode node, Optional<Service> own) {
        return translate(services, node, own, PeerAuthenticationKind.DEFAULT_MODE);
    }

    static List<Listener> translate(List<Service> services, ProxyNode node, Optional<Service> own, MtlsMode mode) {
        return translate(services, node, own, mode, List.of());
    }

    /**
     * @param mode     mutual TLS on the inbound listener (the own Service's PeerAuthentication)
     * @param policies the AuthorizationPolicies of the own Service, enforced on the inbound listener
     */
    static List<Listener> translate(List<Service> services, ProxyNode node, Optional<Service> own, MtlsMode mode,
                                    List<AuthorizationPolicy> policies) {
        return translate(services, node, own, mode, policies, Telemetry.Settings.NONE);
    }

    /** @param telemetry tracing and access log of the proxy's HTTP listeners (see {@link TelemetryTranslator}) */
    static List<Listener> translate(List<Service> services, ProxyNode node, Optional<Service> own, MtlsMode mode,
                                    List<AuthorizationPolicy> policies, Telemetry.Settings telemetry) {
        List<Listener> out = new ArrayList<>();
        out.add(Listener.newBuilder()
                .setName(XdsNames.OUTBOUND_LISTENER)
                .setAddress(address("127.0.0.1", 0))
                .setTrafficDirection(TrafficDirection.OUTBOUND)
                .addFilterChains(FilterChain.newBuilder().addFilters(
                        hcm(XdsNames.OUTBOUND_LISTENER, XdsNames.OUTBOUND_ROUTES, node, telemetry)))
                .build());
        if (node.appPort() > 0) {
            out.add(inbound(node, own.map(Service::protocol).orElse(Protocol.HTTP), mode, policies, telemetry));
        }
        for (Service s : services) {
            if (s.protocol() == Protocol.TCP) {
                String name = XdsNames.outboundTcpListener(s.port());
                out.add(Listener.newBuilder()
                        .setName(name)
                        .setAddress(address("127.0.0.1", s.port()))
                        .setTrafficDirection(TrafficDirection.OUTBOUND)
                        .addFilterChains(FilterChain.newBuilder().addFilters(tcpProxy(name, XdsNames.cluster(s))))
                        .build());
            }
        }
        return out;
    }

    private static Listener inbound(ProxyNode node, Protocol protocol, MtlsMode mode, List<AuthorizationPolicy> policies,
                                    Telemetry.Settings telemetry) {
        String cluster = XdsNames.inboundCluster(node.appPort());
        boolean tls = TlsTranslator.acceptsTls(mode);
        boolean plaintext = TlsTranslator.acceptsPlaintext(mode);
        Listener.Builder l = Listener.newBuilder()
                .setName(XdsNames.INBOUND_LISTENER)
                .setAddress(address("0.0.0.0", 0))
                .setTrafficDirection(TrafficDirection.INBOUND);
        if (tls) {
            l.addListenerFilters(ListenerFilter.newBuilder()
                    .setName(TlsTranslator.TLS_INSPECTOR)
                    .setTypedConfig(Any.pack(TlsInspector.getDefaultInstance())));
        }
        FilterChainMatch raw = tls ? FilterChainMatch.newBuilder().setTransportProtocol(TlsTranslator.TRANSPORT_RAW).build()
                : FilterChainMatch.getDefaultInstance();
        FilterChainMatch mtls = FilterChainMatch.newBuilder().setTransportProtocol(TlsTranslator.TRANSPORT_TLS).build();
        if (protocol == Protocol.TCP) {
            if (tls) {
                // a server-first protocol says nothing: after the timeout it is plaintext (PERMISSIVE) or refused
                l.setListenerFiltersTimeout(Protos.duration(DETECT_TIMEOUT)).setContinueOnListenerFiltersTimeout(true);
                l.addFilterChains(FilterChain.newBuilder().setName("inbound_tls_tcp").setFilterChainMatch(mtls)
                        .setTransportSocket(TlsTranslator.downstream()).addFilters(tcpProxy("inbound", cluster)));
            }
            if (plaintext) {
                l.addFilterChains(FilterChain.newBuilder().setName("inbound_tcp").setFilterChainMatch(raw)
                        .addFilters(tcpProxy("inbound", cluster)));
            }
            return l.build();
        }
        // Istio's shape: sniff the first bytes; HTTP goes through the routes, anything else is opaque TCP
        l.addListenerFilters(ListenerFilter.newBuilder()
                        .setName(XdsNames.HTTP_INSPECTOR)
                        .setTypedConfig(Any.pack(HttpInspector.getDefaultInstance())))
                .setListenerFiltersTimeout(Protos.duration(DETECT_TIMEOUT))
                .setContinueOnListenerFiltersTimeout(true);
        if (plaintext) {
            l.addFilterChains(FilterChain.newBuilder()
                    .setName("inbound_http")
                    .setFilterChainMatch(raw.toBuilder().addApplicationProtocols("http/1.1").addApplicationProtocols("h2c"))
                    .addFilters(withPolicies(hcm(XdsNames.INBOUND_LISTENER, XdsNames.INBOUND_ROUTES, node, telemetry), policies)));
        }
        if (tls) {
            l.addFilterChains(FilterChain.newBuilder()
                            .setName("inbound_tls_http")
                            .setFilterChainMatch(mtls.toBuilder().addApplicationProtocols("h2").addApplicationProtocols("http/1.1"))
                            .setTransportSocket(TlsTranslator.downstream())
                            .addFilters(withPolicies(hcm(XdsNames.INBOUND_LISTENER, XdsNames.INBOUND_ROUTES, node, telemetry), policies)))
                    .addFilterChains(FilterChain.newBuilder()
                            .setName("inbound_tls_tcp")
                            .setFilterChainMatch(mtls)
                            .setTransportSocket(TlsTranslator.downstream())
                            .addFilters(tcpProxy("inbound", cluster)));
        }
        if (plaintext) {
            l.setDefaultFilterChain(FilterChain.newBuilder().setName("inbound_tcp").addFilters(tcpProxy("inbound", cluster)));
        }
        return l.build();
    }

    /** The inbound HTTP connection manager with the Service's RBAC filters in front (see {@link AuthorizationTranslator}). */
    private static Filter withPolicies(Filter hcm, List<AuthorizationPolicy> policies) {
        if (policies.isEmpty()) {
            return hcm;
        }
        try {
            HttpConnectionManager h = hcm.getTypedConfig().unpack(HttpConnectionManager.class);
            return hcm.toBuilder().setTypedConfig(Any.pack(AuthorizationTranslator.withPolicies(h, policies))).build();
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Filter hcm(String statPrefix, String routeConfigName, ProxyNode node, Telemetry.Settings telemetry) {
        HttpConnectionManager hcm = HttpConnectionManager.newBuilder()
                .setStatPrefix(statPrefix)
                .setRds(Rds.newBuilder().setConfigSource(Protos.ads()).setRouteConfigName(routeConfigName))
                // empty here: each route that limits or injects faults carries its own configuration. A limited
                // request is answered before any fault would delay it.
                .addHttpFilters(HttpFilter.newBuilder().setName(XdsNames.LOCAL_RATE_LIMIT).setTypedConfig(Any.pack(
                        LocalRateLimit.newBuilder().setStatPrefix(XdsNames.LOCAL_RATE_LIMIT_STAT_PREFIX).build())))
                .addHttpFilters(HttpFilter.newBuilder().setName(XdsNames.FAULT).setTypedConfig(Any.pack(HTTPFault.getDefaultInstance())))
                .addHttpFilters(HttpFilter.newBuilder().setName(XdsNames.ROUTER).setTypedConfig(Any.pack(Router.getDefaultInstance())))
                .build();
        hcm = TelemetryTranslator.apply(hcm, telemetry, node.serviceName());
        return Filter.newBuilder().setName(XdsNames.HTTP_CONNECTION_MANAGER).setTypedConfig(Any.pack(hcm)).build();
    }

    private static Filter tcpProxy(String statPrefix, String cluster) {
        TcpProxy tcp = TcpProxy.newBuilder().setStatPrefix(statPrefix).setCluster(cluster).build();
        return Filter.newBuilder().setName(XdsNames.TCP_PROXY).setTypedConfig(Any.pack(tcp)).build();
    }

    private static Address address(String host, int port) {
        return Address.newBuilder().setSocketAddress(SocketAddress.newBuilder().setAddress(host).setPortValue(port)).build();
    }
}
