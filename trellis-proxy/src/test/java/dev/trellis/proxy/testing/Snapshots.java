package dev.trellis.proxy.testing;

import dev.trellis.proxy.config.ClusterConfig;
import dev.trellis.proxy.config.Endpoint;
import dev.trellis.proxy.config.EndpointSet;
import dev.trellis.proxy.config.ListenerConfig;
import dev.trellis.proxy.config.ProxySnapshot;
import dev.trellis.proxy.config.Route;
import dev.trellis.proxy.config.RouteAction;
import dev.trellis.proxy.config.RouteMatch;
import dev.trellis.proxy.config.RouteTable;
import dev.trellis.proxy.config.VirtualHost;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Builds proxy snapshots in plain Java for tests. */
public final class Snapshots {
    private final List<VirtualHost> outboundHosts = new ArrayList<>();
    private final Map<String, ClusterConfig> clusters = new HashMap<>();
    private final Map<String, EndpointSet> endpoints = new HashMap<>();
    private final Map<String, ListenerConfig> listeners = new HashMap<>();
    private int appPort;
    private ClusterConfig.UpstreamProtocol appProtocol = ClusterConfig.UpstreamProtocol.HTTP1;

    public static Snapshots builder() {
        return new Snapshots();
    }

    /** A service reachable on the outbound listener under its name, with one default route. */
    public Snapshots service(String name, ClusterConfig.UpstreamProtocol protocol, Endpoint... eps) {
        return service(name, protocol, List.of(new Route("default", RouteMatch.ANY, RouteAction.to(name))), eps);
    }

    public Snapshots service(String name, ClusterConfig.UpstreamProtocol protocol, List<Route> routes, Endpoint... eps) {
        outboundHosts.add(new VirtualHost(name, name, List.of(name, name + ":8080"), routes));
        cluster(name, protocol, eps);
        return this;
    }

    public Snapshots cluster(String name, ClusterConfig.UpstreamProtocol protocol, Endpoint... eps) {
        clusters.put(name, ClusterConfig.of(name, protocol));
        endpoints.put(name, new EndpointSet(name, List.of(eps)));
        return this;
    }

    public Snapshots clusterConfig(ClusterConfig c) {
        clusters.put(c.name(), c);
        return this;
    }

    public Snapshots app(int port, ClusterConfig.UpstreamProtocol protocol) {
        this.appPort = port;
        this.appProtocol = protocol;
        return this;
    }

    public Snapshots listener(ListenerConfig l) {
        listeners.put(l.name(), l);
        return this;
    }

    public ProxySnapshot build() {
        Map<String, ListenerConfig> ls = new HashMap<>(listeners);
        Map<String, RouteTable> tables = new HashMap<>();
        Map<String, ClusterConfig> cs = new HashMap<>(clusters);
        Map<String, EndpointSet> es = new HashMap<>(endpoints);
        ls.putIfAbsent("outbound", new ListenerConfig("outbound", ListenerConfig.Direction.OUTBOUND, 0,
                ListenerConfig.ListenerProtocol.HTTP, "outbound", null, false, ListenerConfig.DEFAULT_DETECT_TIMEOUT));
        tables.put("outbound", new RouteTable("outbound", outboundHosts));
        if (appPort > 0) {
            String local = "inbound|" + appPort;
            boolean tcp = appProtocol == ClusterConfig.UpstreamProtocol.TCP;
            ls.putIfAbsent("inbound", new ListenerConfig("inbound", ListenerConfig.Direction.INBOUND, 0,
                    tcp ? ListenerConfig.ListenerProtocol.TCP : ListenerConfig.ListenerProtocol.HTTP,
                    tcp ? null : "inbound", local, true, ListenerConfig.DEFAULT_DETECT_TIMEOUT));
            tables.put("inbound", new RouteTable("inbound", List.of(new VirtualHost("inbound", "local", List.of("*"),
                    List.of(new Route("inbound", RouteMatch.ANY, RouteAction.to(local)))))));
            cs.put(local, ClusterConfig.of(local, appProtocol));
            es.put(local, new EndpointSet(local, List.of(Endpoint.of("127.0.0.1", appPort))));
        }
        return new ProxySnapshot(Map.of("test", "1"), ls, tables, cs, es);
    }
}
