package dev.trellis.controlplane.telemetry;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Every proxy's increases that ended within a window before {@code now}. */
public record TrafficWindow(Duration window, Instant now, List<ProxyTraffic> proxies) {
    public TrafficWindow {
        proxies = List.copyOf(proxies);
    }

    /** @param connected false for a proxy whose stream closed within the retention period */
    public record ProxyTraffic(ProxyTarget target, boolean connected, List<ScrapeDelta> deltas) {
        public ProxyTraffic {
            deltas = List.copyOf(deltas);
        }
    }

    /** The time the increases cover, from the earliest scrape they start at to the latest they end at. */
    Duration covered() {
        Instant from = null;
        Instant to = null;
        for (ProxyTraffic p : proxies) {
            for (ScrapeDelta d : p.deltas) {
                from = from == null || d.from().isBefore(from) ? d.from() : from;
                to = to == null || d.to().isAfter(to) ? d.to() : to;
            }
        }
        return from == null ? Duration.ZERO : Duration.between(from, to);
    }
}
