package dev.trellis.proxy.metrics;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * Counters of one (direction, destination service, route) and, once {@link #forPeer} picked them, one peer:
 * tls and client_id (inbound) or server_id (outbound). Resolved once per configuration snapshot, and the
 * peer's variant once per identity, so the hot path does no label building: plain HTTP statuses are an
 * array slot, gRPC statuses a small map.
 */
public final class RouteStats {
    final String labels;
    final LongAdder requests = new LongAdder();
    private final AtomicReferenceArray<ResponseStats> byStatus = new AtomicReferenceArray<>(600);
    final ConcurrentHashMap<String, ResponseStats> byGrpcStatus = new ConcurrentHashMap<>();
    /** "client_id" or "server_id" on a route's own stats; null on a peer's variant. */
    private final String peerLabel;
    private final Function<String, RouteStats> variants;
    private final ConcurrentHashMap<String, RouteStats> byPeer;
    private volatile RouteStats plaintext;

    RouteStats(String labels, String peerLabel, Function<String, RouteStats> variants) {
        this.labels = labels;
        this.peerLabel = peerLabel;
        this.variants = variants;
        this.byPeer = peerLabel == null ? null : new ConcurrentHashMap<>(4);
    }

    /**
     * The counters of this route for one peer: {@code identity} is the SPIFFE ID the client proved (inbound)
     * or the one the server must prove (outbound), null without mutual TLS. A peer's variant is made on first
     * use and kept across configuration snapshots; a variant returns itself.
     */
    public RouteStats forPeer(String identity) {
        if (peerLabel == null) {
            return this;
        }
        if (identity == null) {
            RouteStats p = plaintext;
            if (p == null) {
                p = variants.apply(labels + "," + ProxyMetrics.peerLabels(peerLabel, null));
                plaintext = p;
            }
            return p;
        }
        RouteStats s = byPeer.get(identity);
        if (s == null) {
            s = byPeer.computeIfAbsent(identity, id -> variants.apply(labels + "," + ProxyMetrics.peerLabels(peerLabel, id)));
        }
        return s;
    }

    public void request() {
        requests.increment();
    }

    /**
     * The response bucket for an HTTP status and, for gRPC, its grpc-status (null otherwise).
     * Success follows one rule for every consumer: 5xx or a gRPC error status is a failure.
     */
    public ResponseStats response(int statusCode, String grpcStatus) {
        if (grpcStatus != null) {
            String key = statusCode + "/" + grpcStatus;
            ResponseStats s = byGrpcStatus.get(key);
            if (s == null) {
                s = byGrpcStatus.computeIfAbsent(key,
                        k -> new ResponseStats(statusCode, grpcStatus, statusCode < 500 && isGrpcSuccess(grpcStatus)));
            }
            return s;
        }
        int slot = statusCode >= 0 && statusCode < 600 ? statusCode : 0;
        ResponseStats s = byStatus.get(slot);
        if (s == null) {
            byStatus.compareAndSet(slot, null, new ResponseStats(slot, null, slot > 0 && slot < 500));
            s = byStatus.get(slot);
        }
        return s;
    }

    private static boolean isGrpcSuccess(String grpcStatus) {
        // gRPC codes that signal a server-side failure, as Linkerd classifies them
        switch (grpcStatus) {
            case "2": case "4": case "7": case "8": case "12": case "13": case "14": case "15":
                return false;
            default:
                return true;
        }
    }

    void forEachResponse(java.util.function.Consumer<ResponseStats> action) {
        for (int i = 0; i < byStatus.length(); i++) {
            ResponseStats s = byStatus.get(i);
            if (s != null) {
                action.accept(s);
            }
        }
        byGrpcStatus.values().forEach(action);
    }
}
