package dev.trellis.controlplane.telemetry;

/**
 * Traffic over a window as the views show it.
 *
 * @param rps         responses per second over the time the window's scrapes cover
 * @param successRate null when nothing was answered
 * @param p50         latency in milliseconds; null (like p95 and p99) when nothing was answered
 * @param requests    responses counted in the window
 */
public record TrafficSummary(double rps, Double successRate, Double p50, Double p95, Double p99, long requests) {
    static TrafficSummary of(Traffic t, double seconds) {
        double n = t.requests();
        return new TrafficSummary(seconds <= 0 ? 0 : n / seconds, t.successRate(), t.latency(0.5), t.latency(0.95),
                t.latency(0.99), Math.round(n));
    }
}
