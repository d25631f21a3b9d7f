package dev.trellis.controlplane.xds;

import dev.trellis.config.xds.NodeIdentity;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** One open ADS stream: who is on it, and what was sent, ACKed and NACKed per resource type. */
public final class ProxyStream {
    private final long id;
    private final Instant openedAt;
    private final Map<String, TypeStatus> types = new LinkedHashMap<>();
    private final Map<String, String> sentNonces = new LinkedHashMap<>();
    /** The assignments this client holds, by cluster: an unchanged one (the same instance) is not sent again. */
    private final Map<String, ClusterLoadAssignment> endpoints = new ConcurrentHashMap<>();
    private volatile Node node;
    private volatile NodeKey key;
    private volatile NodeIdentity identity;
    private volatile String instanceId;

    ProxyStream(long id, Instant openedAt) {
        this.id = id;
        this.openedAt = openedAt;
    }

    void attach(Node n, NodeKey k, NodeIdentity i) {
        node = n;
        key = k;
        identity = i;
    }

    void instanceId(String v) {
        instanceId = v;
    }

    synchronized void requested(DiscoveryRequest r) {
        String type = TypeNames.shortName(r.getTypeUrl());
        TypeStatus t = types.getOrDefault(type, TypeStatus.NONE);
        String nonce = r.getResponseNonce();
        if (nonce.isEmpty()) {
            // a subscription; a reconnecting client reports the version it runs
            types.put(type, new TypeStatus(t.sent(), r.getVersionInfo().isEmpty() ? t.acked() : r.getVersionInfo(), t.rejected(), t.error()));
        } else if (nonce.equals(sentNonces.get(type))) {
            types.put(type, r.hasErrorDetail()
                    ? new TypeStatus(t.sent(), t.acked(), t.sent(), r.getErrorDetail().getMessage())
                    : new TypeStatus(t.sent(), r.getVersionInfo(), null, null));
        }
    }

    synchronized void sent(DiscoveryResponse r) {
        String type = TypeNames.shortName(r.getTypeUrl());
        TypeStatus t = types.getOrDefault(type, TypeStatus.NONE);
        types.put(type, new TypeStatus(r.getVersionInfo(), t.acked(), t.rejected(), t.error()));
        sentNonces.put(type, r.getNonce());
    }

    /**
     * Before a watch: the subscription is the request's names (what it no longer names, it dropped), and a
     * NACK means it may lack what was last sent (and {@code resendAll} forgets everything). Returns the
     * names it holds.
     */
    Set<String> holdsEndpoints(DiscoveryRequest request, boolean resendAll) {
        if (request.hasErrorDetail() || resendAll) {
            endpoints.clear();
        }
        endpoints.keySet().retainAll(request.getResourceNamesList());
        return Set.copyOf(endpoints.keySet());
    }

    /** The assignments of a response this client does not hold yet; the rest it keeps (EDS need not be complete). */
    List<ClusterLoadAssignment> changedEndpoints(Collection<? extends Message> response) {
        List<ClusterLoadAssignment> out = new ArrayList<>();
        for (Message m : response) {
            ClusterLoadAssignment cla = (ClusterLoadAssignment) m;
            if (endpoints.put(cla.getClusterName(), cla) != cla) {
                out.add(cla);
            }
        }
        return out;
    }

    /** The version last sent for a type URL, null when none. */
    synchronized String sentVersion(String typeUrl) {
        return types.getOrDefault(TypeNames.shortName(typeUrl), TypeStatus.NONE).sent();
    }

    public long id() {
        return id;
    }

    public Instant openedAt() {
        return openedAt;
    }

    /** Null until the first request. */
    public Node node() {
        return node;
    }

    public NodeKey key() {
        return key;
    }

    public Optional<NodeIdentity> identity() {
        return Optional.ofNullable(identity);
    }

    public Optional<String> instanceId() {
        return Optional.ofNullable(instanceId);
    }

    /** By short type name ("clusters", ...), in the order first seen. */
    public synchronized Map<String, TypeStatus> types() {
        return Map.copyOf(types);
    }
}
