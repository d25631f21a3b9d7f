package dev.trellis.config.load;

import dev.trellis.config.ConfigProblem;
import dev.trellis.config.Location;
import dev.trellis.config.ResourceSet;
import dev.trellis.config.resource.Metadata;
import dev.trellis.config.resource.Protocol;
import dev.trellis.config.resource.RateLimit;
import dev.trellis.config.resource.Service;
import dev.trellis.config.yaml.Fields;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Reads trellis.dev/v1alpha1 Service. */
public final class ServiceKind implements ResourceKind<Service> {

    @Override
    public String kind() {
        return Service.KIND;
    }

    @Override
    public List<String> apiVersions() {
        return List.of(Service.API_VERSION);
    }

    @Override
    public Class<Service> type() {
        return Service.class;
    }

    @Override
    public NameRule nameRule() {
        return NameRule.DNS_LABEL; // it becomes a host name: catalog.default.svc.cluster.local
    }

    @Override
    public Service read(Metadata metadata, Location location, Fields document) {
        Fields spec = document.object("spec", "protocol", "port", "selector", "endpoints", "rateLimit", "dnsRefresh");
        Protocol protocol = protocol(spec);
        int port = port(spec, "port");
        Map<String, String> selector = spec.stringMap("selector");
        List<Service.Endpoint> endpoints = new ArrayList<>();
        for (Fields.Item item : spec.list("endpoints")) {
            endpoints.add(endpoint(item.object("address", "labels", "weight", "meshed")));
        }
        RateLimit rateLimit = null;
        if (spec.has("rateLimit")) {
            if (protocol == Protocol.TCP) {
                throw spec.error("rateLimit", "set on a tcp Service (expected: none; requests are only counted on HTTP)");
            }
            rateLimit = RoutePolicyReader.rateLimit(spec);
        }
        Duration dnsRefresh = spec.positiveDuration("dnsRefresh", Service.DEFAULT_DNS_REFRESH);
        return new Service(metadata, location, protocol, port, selector, endpoints, rateLimit, dnsRefresh);
    }

    private static Protocol protocol(Fields spec) {
        if (!spec.has("protocol")) {
            return Protocol.HTTP;
        }
        String text = spec.string("protocol");
        for (Protocol p : Protocol.values()) {
            if (p.yamlName().equals(text)) {
                return p;
            }
        }
        throw spec.invalid("protocol", "http, http2, grpc or tcp");
    }

    private static int port(Fields f, String key) {
        int port = f.integer(key);
        if (port < 1 || port > 65535) {
            throw f.error(key, port + " (expected: 1..65535)");
        }
        return port;
    }

    private static Service.Endpoint endpoint(Fields f) {
        String address = f.string("address");
        int colon = address.lastIndexOf(':');
        String host = colon < 0 ? "" : address.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            host = ""; // an IPv6 literal must be bracketed
        }
        int port;
        try {
            port = colon < 0 ? -1 : Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (host.isEmpty() || port < 1 || port > 65535) {
            throw f.invalid("address", "host:port, e.g. 127.0.0.1:9001 or [::1]:9001");
        }
        int weight = f.integer("weight", 1);
        if (weight <= 0) {
            throw f.error("weight", weight + " (expected: > 0)");
        }
        return new Service.Endpoint(host.toLowerCase(Locale.ROOT), port, f.stringMap("labels"), weight, f.bool("meshed", false));
    }

    @Override
    public void check(Service service, ResourceSet all, List<ConfigProblem> problems) {
        if (service.protocol() != Protocol.TCP) {
            return;
        }
        // each tcp Service owns a local outbound port: two on one port would fight over it
        Map<Integer, Service> byPort = new HashMap<>();
        for (Service other : all.services()) {
            if (other.protocol() == Protocol.TCP) {
                byPort.putIfAbsent(other.port(), other);
            }
        }
        Service first = byPort.get(service.port());
        if (first != service) {
            problems.add(new ConfigProblem(service.location(), "Service " + service.namespace() + "/" + service.name()
                    + ": spec.port: " + service.port() + " (expected: a port no other tcp Service uses; "
                    + first.namespace() + "/" + first.name() + " at " + first.location() + " has it)"));
        }
    }
}
