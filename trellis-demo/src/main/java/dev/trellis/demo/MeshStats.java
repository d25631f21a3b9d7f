package dev.trellis.demo;

import dev.trellis.demo.metrics.MetricsSnapshot;
import dev.trellis.demo.metrics.TrafficStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Turns two scrapes of every sidecar into table rows: per service, what its sidecar served inbound; per edge
 * (caller to destination service), what the caller's sidecar sent outbound.
 */
final class MeshStats {
    static final String DIRECTION = "direction";
    static final String DST_SERVICE = "dst_service";

    private MeshStats() {}

    /**
     * A named slice of traffic; without stats when the sidecar's metrics could not be read.
     */
    record Row(String name, Optional<TrafficStats> stats) {}

    /** One row per member with a service behind it, from its sidecar's inbound side. */
    static List<Row> services(MeshPlan plan, Map<String, MetricsSnapshot> before, Map<String, MetricsSnapshot> after) {
        List<Row> rows = new ArrayList<>();
        for (MeshPlan.Member member : plan.members()) {
            if (member.app().isPresent()) {
                rows.add(new Row(member.service(), stats(member.service(), before, after,
                        labels -> "inbound".equals(labels.get(DIRECTION)))));
            }
        }
        return rows;
    }

    /** One row per destination each sidecar called, from its outbound side. */
    static List<Row> edges(MeshPlan plan, Map<String, MetricsSnapshot> before, Map<String, MetricsSnapshot> after) {
        List<Row> rows = new ArrayList<>();
        for (MeshPlan.Member member : plan.members()) {
            MetricsSnapshot current = after.get(member.service());
            if (current == null) {
                continue;
            }
            for (String destination : current.labelValues(TrafficStats.RESPONSES, DST_SERVICE, MeshStats::outbound)) {
                rows.add(new Row(member.service() + " -> " + (destination.isEmpty() ? "?" : destination),
                        stats(member.service(), before, after,
                                labels -> outbound(labels) && destination.equals(labels.getOrDefault(DST_SERVICE, "")))));
            }
        }
        return rows;
    }

    private static boolean outbound(Map<String, String> labels) {
        return "outbound".equals(labels.get(DIRECTION));
    }

    private static Optional<TrafficStats> stats(String sidecar, Map<String, MetricsSnapshot> before,
            Map<String, MetricsSnapshot> after, Predicate<Map<String, String>> selector) {
        MetricsSnapshot current = after.get(sidecar);
        if (current == null) {
            return Optional.empty();
        }
        MetricsSnapshot earlier = before.getOrDefault(sidecar, MetricsSnapshot.empty(current.nanoTime()));
        return Optional.of(TrafficStats.between(earlier, current, selector));
    }
}
