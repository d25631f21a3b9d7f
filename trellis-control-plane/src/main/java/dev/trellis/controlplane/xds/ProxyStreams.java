package dev.trellis.controlplane.xds;

import dev.trellis.config.xds.NodeIdentity;
import dev.trellis.controlplane.registry.Registration;
import dev.trellis.controlplane.registry.Registry;
import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.controlplane.server.exception.RequestException;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Status;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows every ADS stream: the first request names the node, which joins its snapshot group and, for a
 * sidecar serving an application, registers its instance (the open stream is its heartbeat). Requests
 * and responses record what each client ACKed and NACKed. A stream closed cleanly (the proxy shutting
 * down) deregisters its instance; a broken one leaves it to expire after its TTL.
 */
public final class ProxyStreams implements DiscoveryServerCallbacks {
    private static final Logger log = LoggerFactory.getLogger(ProxyStreams.class);
    /** The stream whose request is being handled on this thread, for {@link StreamAwareWatcher}. */
    private static final ThreadLocal<ProxyStream> CURRENT = new ThreadLocal<>();

    private final Map<Long, ProxyStream> streams = new ConcurrentHashMap<>();
    private final SnapshotPublisher publisher;
    private final Registry registry;
    private final Clock clock;

    public ProxyStreams(SnapshotPublisher publisher, Registry registry, Clock clock) {
        this.publisher = publisher;
        this.registry = registry;
        this.clock = clock;
    }

    static Optional<ProxyStream> current() {
        return Optional.ofNullable(CURRENT.get());
    }

    @Override
    public void onStreamOpen(long streamId, String typeUrl) {
        streams.put(streamId, new ProxyStream(streamId, clock.instant()));
    }

    @Override
    public void onV3StreamRequest(long streamId, DiscoveryRequest request) throws RequestException {
        ProxyStream s = streams.get(streamId);
        CURRENT.set(s);
        if (s == null) {
            return;
        }
        if (s.node() == null) {
            first(s, request);
        }
        s.requested(request);
        if (request.hasErrorDetail()) {
            log.warn("{} rejected {} version {}: {}", s.node().getId(), TypeNames.shortName(request.getTypeUrl()),
                    s.types().getOrDefault(TypeNames.shortName(request.getTypeUrl()), TypeStatus.NONE).rejected(),
                    request.getErrorDetail().getMessage());
        }
    }

    private void first(ProxyStream s, DiscoveryRequest request) throws RequestException {
        Node node = request.getNode();
        if (!request.hasNode() || node.getId().isEmpty()) {
            throw new RequestException(Status.INVALID_ARGUMENT.withDescription("node.id: missing in the stream's first request (expected: the client's node)"));
        }
        NodeIdentity identity;
        try {
            identity = NodeIdentity.of(node).orElse(null);
        } catch (IllegalArgumentException e) {
            throw new RequestException(Status.INVALID_ARGUMENT.withDescription(e.getMessage()));
        }
        NodeKey key = identity == null ? NodeKey.PROXYLESS : new NodeKey(identity.proxy());
        s.attach(node, key, identity);
        log.info("{} connected ({}, stream {})", node.getId(), key, s.id());
        if (identity != null && identity.servesInstance()) {
            Registration r = new Registration(identity.proxy().serviceName(), identity.proxy().namespace(),
                    identity.address(), identity.inboundPort(), identity.labels(), true, 1);
            s.instanceId(r.id());
            registry.connect(r);
        }
        // after registering: the group's first snapshot already has this instance
        publisher.join(key);
    }

    @Override
    public void onV3StreamDeltaRequest(long streamId, DeltaDiscoveryRequest request) throws RequestException {
        throw new RequestException(Status.UNIMPLEMENTED.withDescription("incremental (delta) xDS (expected: state of the world ADS)"));
    }

    @Override
    public void onV3StreamResponse(long streamId, DiscoveryRequest request, DiscoveryResponse response) {
        ProxyStream s = streams.get(streamId);
        if (s != null) {
            s.sent(response);
        }
    }

    /** The client half-closed its stream: it is shutting down, so its instance goes now. */
    @Override
    public void onStreamClose(long streamId, String typeUrl) {
        closed(streamId, true);
    }

    @Override
    public void onStreamCloseWithError(long streamId, String typeUrl, Throwable error) {
        closed(streamId, false);
    }

    private void closed(long streamId, boolean graceful) {
        ProxyStream s = streams.remove(streamId);
        if (s == null || s.key() == null) {
            return;
        }
        log.info("{} disconnected{} (stream {})", s.node().getId(), graceful ? "" : " without saying goodbye", s.id());
        publisher.leave(s.key());
        s.instanceId().ifPresent(id -> {
            boolean stillConnected = streams.values().stream().anyMatch(o -> o.instanceId().filter(id::equals).isPresent());
            if (stillConnected) {
                return;
            }
            if (graceful) {
                registry.deregister(id);
            } else {
                registry.disconnect(id);
            }
        });
    }

    /** Streams that have named their node, oldest first. */
    public List<ProxyStream> streams() {
        return streams.values().stream().filter(s -> s.node() != null)
                .sorted(Comparator.comparingLong(ProxyStream::id)).toList();
    }
}
