package dev.trellis.controlplane.telemetry;

import java.time.Instant;
import java.util.Map;

/** What one proxy answered between two scrapes, by traffic key. */
record ScrapeDelta(Instant from, Instant to, Map<TrafficKey, Traffic> traffic) {
    ScrapeDelta {
        traffic = Map.copyOf(traffic);
    }
}
