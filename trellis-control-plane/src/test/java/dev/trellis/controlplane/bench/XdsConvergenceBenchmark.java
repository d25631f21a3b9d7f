package dev.trellis.controlplane.bench;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.trellis.config.xds.NodeIdentity;
import dev.trellis.config.xds.ProxyNode;
import dev.trellis.controlplane.ControlPlane;
import dev.trellis.controlplane.ControlPlaneOptions;
import dev.trellis.controlplane.registry.Registration;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * How fast does a change reach every proxy? Connects N simulated sidecars (ADS streams in this JVM, over
 * real gRPC on loopback, ACKing every response as a proxy does), then measures, for a route change and for
 * an endpoint change, the time until each client has received and ACKed the new version. Prints p50, p99
 * and max per N, with the JVM's heap after a full GC and the CPU time the change cost (control plane and
 * simulated clients together: they share the JVM).
 *
 * <p>Run: {@code java -Xmx512m -cp <test classpath> dev.trellis.controlplane.bench.XdsConvergenceBenchmark 100 1000 2000}
 * (see docs/control-plane.md). Clients are spread over 20 services; each registers its instance, so N
 * proxies also means N endpoints.
 */
public final class XdsConvergenceBenchmark {
    static final int SERVICES = 20;
    static final int CHANNELS = 16;

    public static void main(String[] args) throws Exception {
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        List<Integer> sizes = args.length == 0 ? List.of(100, 1000, 2000) : Arrays.stream(args).map(Integer::parseInt).toList();
        System.out.printf("%-6s %-9s %8s %8s %8s %10s %10s %10s %10s%n", "N", "change", "p50 ms", "p99 ms", "max ms", "heap MB",
                "cpu ms", "change ms", "publish ms");
        for (int n : sizes) {
            run(n);
        }
    }

    static String route(int toSvc1) {
        return """
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: svc0-split}
                spec:
                  parentRefs: [{kind: Service, name: svc0}]
                  rules:
                    - backendRefs: [{name: svc0, weight: %d}, {name: svc1, weight: %d}]
                """.formatted(100 - toSvc1, toSvc1);
    }

    static String mesh() {
        StringBuilder b = new StringBuilder();
        for (int s = 0; s < SERVICES; s++) {
            b.append("""
                    apiVersion: trellis.dev/v1alpha1
                    kind: Service
                    metadata: {name: svc%d}
                    spec:
                      port: 8080
                      selector: {app: svc%d}
                    ---
                    """.formatted(s, s));
        }
        return b.append(route(0)).toString();
    }

    static void run(int n) throws Exception {
        Path dir = Files.createTempDirectory("trellis-bench-cp");
        Files.writeString(dir.resolve("mesh.yaml"), mesh());
        ControlPlane cp = ControlPlane.start(ControlPlaneOptions.builder(dir).xdsPort(0).apiPort(0)
                .pollInterval(Duration.ofHours(1)).stateFile(dir.resolve(".state.json")).build());
        List<ManagedChannel> channels = new ArrayList<>();
        for (int c = 0; c < CHANNELS; c++) {
            channels.add(NettyChannelBuilder.forAddress("127.0.0.1", cp.xdsPort()).usePlaintext()
                    .maxInboundMessageSize(256 * 1024 * 1024).build());
        }
        List<Client> clients = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            NodeIdentity id = new NodeIdentity(ProxyNode.of("svc" + (i % SERVICES), 8080), "127.0.0." + (1 + i / 60000),
                    10000 + i % 60000, Map.of("version", "v1"));
            clients.add(new Client(channels.get(i % CHANNELS), id));
        }
        awaitAll(clients, Client::ready, Duration.ofMinutes(5));
        while (cp.registry().instances().size() < n) {
            Thread.sleep(10);
        }
        // settled: no client has heard anything for a second
        while (System.nanoTime() - Client.lastHeard < 1_000_000_000L) {
            Thread.sleep(50);
        }

        measure(n, "route", clients, Resources.V3.ROUTE_TYPE_URL, () -> {
            var outcome = cp.directory().apply(route(50));
            if (outcome.status() != dev.trellis.controlplane.store.Outcome.Status.OK) {
                throw new IllegalStateException(outcome.toString());
            }
        }, cp.publisher());
        measure(n, "endpoint", clients, Resources.V3.ENDPOINT_TYPE_URL, () ->
                cp.registry().register(new Registration("svc3", "default", "127.0.1.1", 9999, Map.of(), true, 1), null), cp.publisher());

        clients.forEach(Client::close);
        for (ManagedChannel ch : channels) {
            ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        cp.close();
    }

    static void measure(int n, String what, List<Client> clients, String type, Runnable change,
                        dev.trellis.controlplane.xds.SnapshotPublisher publisher) throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        System.gc();
        long heap = memory.getHeapMemoryUsage().getUsed();
        clients.forEach(c -> c.mark(type));
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        change.run();
        long changed = System.nanoTime() - t0;
        awaitAll(clients, c -> c.changedAt(type) > 0, Duration.ofMinutes(5));
        long cpu = os.getProcessCpuTime() - cpu0;
        long[] lat = clients.stream().mapToLong(c -> c.changedAt(type) - t0).sorted().toArray();
        System.out.printf("%-6d %-9s %8.1f %8.1f %8.1f %10.1f %10.1f %10.1f %10.1f%n", n, what, ms(lat[lat.length / 2]),
                ms(lat[Math.min(lat.length - 1, (int) Math.ceil(lat.length * 0.99) - 1)]), ms(lat[lat.length - 1]),
                heap / 1048576.0, cpu / 1e6, ms(changed), ms(publisher.lastPublishNanos()));
    }

    static double ms(long nanos) {
        return nanos / 1e6;
    }

    static void awaitAll(List<Client> clients, Predicate<Client> p, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!clients.stream().allMatch(p)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("clients did not converge within " + timeout);
            }
            Thread.sleep(5);
        }
    }

    /** One simulated sidecar: subscribes as the proxy does and ACKs every response at once. */
    static final class Client implements ClientResponseObserver<DiscoveryRequest, DiscoveryResponse> {
        private final io.envoyproxy.envoy.config.core.v3.Node node;
        private final Map<String, String> versions = new ConcurrentHashMap<>();
        private final Map<String, String> marked = new ConcurrentHashMap<>();
        private final Map<String, Long> changed = new ConcurrentHashMap<>();
        static volatile long lastHeard = System.nanoTime();
        private ClientCallStreamObserver<DiscoveryRequest> requests;
        private List<String> edsNames = List.of();

        Client(ManagedChannel channel, NodeIdentity identity) {
            this.node = identity.toNode("bench");
            AggregatedDiscoveryServiceGrpc.newStub(channel).streamAggregatedResources(this);
            send(Resources.V3.CLUSTER_TYPE_URL, "", "", List.of());
            send(Resources.V3.LISTENER_TYPE_URL, "", "", List.of());
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<DiscoveryRequest> r) {
            requests = r;
        }

        private synchronized void send(String type, String version, String nonce, List<String> names) {
            requests.onNext(DiscoveryRequest.newBuilder().setNode(node).setTypeUrl(type).setVersionInfo(version)
                    .setResponseNonce(nonce).addAllResourceNames(names).build());
        }

        @Override
        public void onNext(DiscoveryResponse r) {
            lastHeard = System.nanoTime();
            String type = r.getTypeUrl();
            List<String> names = List.of();
            if (type.equals(Resources.V3.ENDPOINT_TYPE_URL)) {
                names = edsNames;
            } else if (type.equals(Resources.V3.ROUTE_TYPE_URL)) {
                names = List.of("inbound", "outbound");
            }
            send(type, r.getVersionInfo(), r.getNonce(), names);
            versions.put(type, r.getVersionInfo());
            String before = marked.get(type);
            if (before != null && !before.equals(r.getVersionInfo())) {
                changed.putIfAbsent(type, System.nanoTime());
            }
            if (type.equals(Resources.V3.CLUSTER_TYPE_URL)) {
                List<String> eds = new ArrayList<>();
                for (var any : r.getResourcesList()) {
                    try {
                        Cluster c = any.unpack(Cluster.class);
                        if (c.getType() == Cluster.DiscoveryType.EDS) {
                            eds.add(c.getName());
                        }
                    } catch (InvalidProtocolBufferException e) {
                        throw new IllegalStateException(e);
                    }
                }
                if (!eds.equals(edsNames)) {
                    edsNames = eds;
                    send(Resources.V3.ENDPOINT_TYPE_URL, versions.getOrDefault(Resources.V3.ENDPOINT_TYPE_URL, ""), "", eds);
                }
            } else if (type.equals(Resources.V3.LISTENER_TYPE_URL) && !versions.containsKey(Resources.V3.ROUTE_TYPE_URL)) {
                send(Resources.V3.ROUTE_TYPE_URL, "", "", List.of("inbound", "outbound"));
            }
        }

        boolean ready() {
            return versions.size() == 4;
        }

        void mark(String type) {
            changed.remove(type);
            marked.put(type, versions.getOrDefault(type, ""));
        }

        long changedAt(String type) {
            return changed.getOrDefault(type, 0L);
        }

        void close() {
            requests.onCompleted();
        }

        @Override
        public void onError(Throwable t) {
        }

        @Override
        public void onCompleted() {
        }
    }
}
