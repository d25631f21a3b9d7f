package dev.trellis.demo;

import dev.trellis.demo.app.AppKind;
import dev.trellis.demo.app.AppSpec;
import dev.trellis.demo.app.Slowness;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Who runs in the demo mesh and on which loopback ports: each member is a sidecar, most with a demo service
 * behind it; the "client" sidecar has none and is where the load generator sends from.
 */
public record MeshPlan(List<Member> members) {
    /** The port every demo Service is called by (Host: catalog:8080), whatever ports its instances use. */
    public static final int SERVICE_PORT = 8080;

    public MeshPlan {
        members = List.copyOf(members);
    }

    /**
     * One sidecar and the service instance behind it.
     *
     * @param service the mesh Service it belongs to
     * @param app     the demo service it fronts; empty for the client, which only sends
     * @param labels  the instance's labels, as written in the mesh config (sorted)
     */
    public record Member(String service, Optional<AppSpec> app, Map<String, String> labels, SidecarPorts sidecar) {
        public Member {
            Objects.requireNonNull(service, "service");
            Objects.requireNonNull(app, "app");
            labels = Collections.unmodifiableMap(new TreeMap<>(labels));
            Objects.requireNonNull(sidecar, "sidecar");
        }

        public String outboundAddress() {
            return "127.0.0.1:" + sidecar.outbound();
        }
    }

    /** A sidecar's ports; {@code app} is where it forwards inbound traffic. */
    public record SidecarPorts(int app, int outbound, int inbound, int admin) {}

    /** The demo's members on free loopback ports: client, web, catalog v1 and v2 (v2 slower), recommend. */
    public static MeshPlan allocate() {
        List<Integer> ports = freePorts(5 * 4);
        List<Member> members = new ArrayList<>();
        members.add(member("client", null, "", Slowness.NONE, ports.subList(0, 4)));
        members.add(member("web", AppKind.WEB, "", Slowness.NONE, ports.subList(4, 8)));
        members.add(member("catalog-v1", AppKind.CATALOG, "v1", Slowness.NONE, ports.subList(8, 12)));
        members.add(member("catalog-v2", AppKind.CATALOG, "v2",
                new Slowness(10, Duration.ofMillis(40)), ports.subList(12, 16)));
        members.add(member("recommend", AppKind.RECOMMEND, "", Slowness.NONE, ports.subList(16, 20)));
        return new MeshPlan(members);
    }

    public Member member(String service) {
        return members.stream().filter(m -> m.service().equals(service)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("service: " + service + " (expected one of "
                        + members.stream().map(Member::service).toList() + ")"));
    }

    private static Member member(String service, AppKind kind, String version, Slowness slowness, List<Integer> ports) {
        SidecarPorts sidecar = new SidecarPorts(ports.get(0), ports.get(1), ports.get(2), ports.get(3));
        String outbound = "127.0.0.1:" + sidecar.outbound();
        Optional<AppSpec> app = kind == null
                ? Optional.empty()
                : Optional.of(new AppSpec(kind, sidecar.app(), version.isEmpty() ? "v1" : version, outbound, slowness));
        Map<String, String> labels = new TreeMap<>();
        labels.put("app", kind == null ? service : kind.name().toLowerCase(Locale.ROOT));
        if (!version.isEmpty()) {
            labels.put("version", version);
        }
        return new Member(service, app, labels, sidecar);
    }

    static List<Integer> freePorts(int count) {
        return LoopbackPorts.take(count);
    }
}
