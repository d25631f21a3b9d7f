package dev.trellis.proxy.xds;

import com.google.rpc.Code;
import com.google.rpc.Status;
import dev.trellis.config.xds.NodeIdentity;
import dev.trellis.proxy.config.ProxySnapshot;
import dev.trellis.proxy.tls.TrustBundleListener;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy as an xDS client: one ADS stream to the control plane (state of the world), subscribed to
 * clusters and listeners, and to the endpoints and route configurations they name. Every response is
 * checked and ACKed, or NACKed with a readable error detail; complete, consistent configurations are
 * delivered as snapshots (see {@link AdsState}). The node metadata carries the proxy's identity, which
 * registers its instance for as long as the stream is open; {@link #close()} half-closes the stream,
 * which deregisters it. A broken stream is retried with exponential backoff while the proxy keeps
 * serving its last configuration.
 *
 * <p>Everything runs on one thread, which is also the gRPC channel's executor: no locks.
 */
public final class AdsConfigSource implements ConfigSource {
    private static final Logger log = LoggerFactory.getLogger(AdsConfigSource.class);

    private final AdsOptions options;
    private Node node;
    private final ScheduledExecutorService loop;
    private final ManagedChannel channel;
    private final AggregatedDiscoveryServiceGrpc.AggregatedDiscoveryServiceStub stub;
    private final AdsState state = new AdsState();
    private final Backoff backoff;
    private Consumer<ProxySnapshot> onUpdate;
    private Stream stream;
    private boolean closed;
    private int failures;
    private ScheduledFuture<?> warmingReport;
    private volatile boolean connected;
    /** Where the pushed trust bundle goes; null: not subscribed to it. */
    private TrustBundleListener trustBundles;
    private volatile String lastError;

    public AdsConfigSource(AdsOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        String version = Objects.requireNonNullElse(AdsConfigSource.class.getPackage().getImplementationVersion(), "dev");
        this.node = options.identity().toNode(version);
        this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "trellis-xds-client");
            t.setDaemon(true);
            return t;
        });
        this.channel = NettyChannelBuilder.forAddress(options.host(), options.port())
                .usePlaintext()
                .executor(loop)
                .keepAliveTime(30, TimeUnit.SECONDS)
                .keepAliveTimeout(10, TimeUnit.SECONDS)
                .maxInboundMessageSize(64 * 1024 * 1024)
                .build();
        this.stub = AggregatedDiscoveryServiceGrpc.newStub(channel);
        this.backoff = new Backoff(options.backoffBase(), options.backoffMax(), () -> ThreadLocalRandom.current().nextDouble());
    }

    /** "xds:127.0.0.1:15010", for /config_dump. */
    public String label() {
        return "xds:" + options.target();
    }

    @Override
    public void start(Consumer<ProxySnapshot> onUpdate) {
        Objects.requireNonNull(onUpdate, "onUpdate");
        loop.execute(() -> {
            if (this.onUpdate != null) {
                throw new IllegalStateException("already started");
            }
            this.onUpdate = onUpdate;
            connect();
        });
    }

    /**
     * Subscribes to the trust bundle (SDS {@code ROOTCA}) on the ADS stream and hands every accepted bundle
     * to {@code listener}, which also learns when pushes stop (the stream broke). Call before {@link #start}.
     */
    public void trustBundles(TrustBundleListener listener) {
        Objects.requireNonNull(listener, "listener");
        loop.execute(() -> {
            if (this.onUpdate != null) {
                throw new IllegalStateException("already started");
            }
            this.trustBundles = listener;
        });
    }

    /**
     * Presents a new identity (say, the inbound port once the application listens, which registers the
     * instance): the current stream is closed cleanly and a new one opened at once. What the proxy runs is
     * kept; the control plane sends only what differs.
     */
    public void updateIdentity(NodeIdentity identity) {
        Objects.requireNonNull(identity, "identity");
        loop.execute(() -> {
            if (closed) {
                return;
            }
            node = identity.toNode(node.getUserAgentVersion());
            Stream old = stream;
            stream = null;
            connected = false;
            pushesStopped();
            if (old != null) {
                try {
                    old.requests.onCompleted();
                } catch (RuntimeException e) {
                    // already broken
                }
            }
            if (onUpdate != null) {
                connect();
            }
        });
    }

    /** A stream to the control plane is open and has answered. */
    public boolean connected() {
        return connected;
    }

    /** The last NACK's detail or stream failure, null when none. */
    public String lastError() {
        return lastError;
    }

    private void connect() {
        if (closed) {
            return;
        }
        Stream s = new Stream();
        stream = s;
        s.requests = stub.streamAggregatedResources(s);
        for (String type : AdsState.TYPES) {
            Set<String> names = state.subscription(type);
            boolean named = type.equals(AdsState.ROUTE) || type.equals(AdsState.ENDPOINT);
            if (!named || !names.isEmpty()) {
                subscribe(s, type, names);
            }
        }
        if (trustBundles != null) {
            subscribe(s, AdsState.SECRET, state.subscription(AdsState.SECRET));
        }
    }

    private void subscribe(Stream s, String type, Set<String> names) {
        s.subscribed.put(type, names);
        s.send(type, state.version(type), names, null);
    }

    private void received(Stream s, DiscoveryResponse response) {
        if (s != stream) {
            return;
        }
        if (!connected) {
            connected = true;
            backoff.reset();
            log.info("connected to the control plane at {}{}", options.target(), failures > 0 ? " after " + failures + " failed attempt(s)" : "");
            failures = 0;
        }
        String type = response.getTypeUrl();
        s.nonces.put(type, response.getNonce());
        AdsState.Verdict verdict = state.accept(response);
        Set<String> names = s.subscribed.getOrDefault(type, Set.of());
        if (!verdict.ack()) {
            lastError = verdict.error();
            log.warn("rejected {} version {} from the control plane: {}", AdsState.shortName(type), response.getVersionInfo(), verdict.error());
            s.send(type, state.version(type), names, verdict.error());
            return;
        }
        s.send(type, response.getVersionInfo(), names, null);
        if (type.equals(AdsState.SECRET)) {
            List<X509Certificate> roots = state.trustBundle();
            if (roots != null && trustBundles != null) {
                trustBundles.trustBundlePushed(roots);
            }
            return;
        }
        String dependent = type.equals(AdsState.CLUSTER) ? AdsState.ENDPOINT : type.equals(AdsState.LISTENER) ? AdsState.ROUTE : null;
        if (dependent != null) {
            Set<String> wanted = state.subscription(dependent);
            if (!wanted.equals(s.subscribed.get(dependent))) {
                subscribe(s, dependent, wanted);
            }
        }
        apply();
    }

    private void pushesStopped() {
        if (trustBundles != null) {
            trustBundles.trustBundlePushLive(false);
        }
    }

    private void apply() {
        AdsState.Assembly a = state.assemble();
        if (a.snapshot().isPresent()) {
            cancelWarmingReport();
            try {
                onUpdate.accept(a.snapshot().get());
                log.debug("applied configuration {}", a.snapshot().get().versions());
            } catch (RuntimeException e) {
                log.error("applying configuration {} failed; the previous one stays", a.snapshot().get().versions(), e);
            }
        } else if (a.waitingFor() == null) {
            cancelWarmingReport();
        } else if (warmingReport == null) {
            warmingReport = loop.schedule(this::reportWarming, options.warmingReport().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void reportWarming() {
        warmingReport = null;
        AdsState.Assembly a = state.assemble();
        if (a.waitingFor() != null) {
            log.warn("the configuration from the control plane is incomplete after {}; the previous one stays. Waiting for: {}",
                    options.warmingReport(), a.waitingFor());
        }
    }

    private void cancelWarmingReport() {
        if (warmingReport != null) {
            warmingReport.cancel(false);
            warmingReport = null;
        }
    }

    private void ended(Stream s, Throwable error) {
        if (s != stream) {
            return;
        }
        stream = null;
        boolean wasConnected = connected;
        connected = false;
        pushesStopped();
        if (closed) {
            return;
        }
        failures++;
        Duration delay = backoff.next();
        String why = error == null ? "the control plane closed the stream" : io.grpc.Status.fromThrowable(error).toString();
        lastError = why;
        if (wasConnected || failures == 1) {
            log.warn("control plane at {} unavailable ({}); serving the last configuration; retrying in {} ms and backing off",
                    options.target(), why, delay.toMillis());
        } else {
            log.debug("control plane at {} still unavailable ({}); retrying in {} ms", options.target(), why, delay.toMillis());
        }
        loop.schedule(this::connect, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Half-closes the stream, so the control plane deregisters this instance at once, and stops; the last
     * configuration stays in force.
     */
    @Override
    public void close() {
        loop.execute(() -> {
            closed = true;
            cancelWarmingReport();
            if (stream != null) {
                try {
                    stream.requests.onCompleted();
                } catch (RuntimeException e) {
                    // already broken: its end deregisters nothing, the instance expires
                }
            }
        });
        channel.shutdown();
        try {
            if (!channel.awaitTermination(2, TimeUnit.SECONDS)) {
                channel.shutdownNow();
            }
        } catch (InterruptedException e) {
            channel.shutdownNow();
            Thread.currentThread().interrupt();
        }
        loop.shutdown();
    }

    /** One ADS stream; its callbacks arrive on the loop. */
    private final class Stream implements StreamObserver<DiscoveryResponse> {
        private final Map<String, String> nonces = new HashMap<>();
        private final Map<String, Set<String>> subscribed = new HashMap<>();
        private StreamObserver<DiscoveryRequest> requests;

        /** @param error null for an ACK (or a subscription), else the NACK's detail */
        void send(String type, String version, Set<String> names, String error) {
            DiscoveryRequest.Builder r = DiscoveryRequest.newBuilder()
                    .setNode(node)
                    .setTypeUrl(type)
                    .setVersionInfo(version)
                    .setResponseNonce(nonces.getOrDefault(type, ""))
                    .addAllResourceNames(names);
            if (error != null) {
                r.setErrorDetail(Status.newBuilder().setCode(Code.INVALID_ARGUMENT_VALUE).setMessage(error));
            }
            try {
                requests.onNext(r.build());
            } catch (RuntimeException e) {
                log.debug("sending on a closed stream: {}", e.toString());
            }
        }

        @Override
        public void onNext(DiscoveryResponse response) {
            received(this, response);
        }

        @Override
        public void onError(Throwable t) {
            ended(this, t);
        }

        @Override
        public void onCompleted() {
            ended(this, null);
        }
    }
}
