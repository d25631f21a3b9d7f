package dev.trellis.proxy.metrics;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one (direction, destination service, route). Resolved once per configuration snapshot, so
 * the hot path does no label lookups: plain HTTP statuses are an array slot, gRPC statuses a small map.
 */
public final class RouteStats {
    final String labels;
    final LongAdder requests = new LongAdder();
    private final AtomicReferenceArray<ResponseStats> byStatus = new AtomicReferenceArray<>(600);
    final ConcurrentHashMap<String, ResponseStats> byGrpcStatus = new ConcurrentHashMap<>();

    RouteStats(String labels) {
        this.labels = labels;
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
