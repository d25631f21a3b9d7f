package dev.trellis.proxy.metrics;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The type and help text of every metric family the proxy exposes, so /metrics carries one # HELP and one
 * # TYPE line per family whichever component registered its series. docs/metrics.md describes the same
 * families with their labels.
 */
final class MetricFamilies {
    /** @param type counter, gauge or histogram (the text format's words) */
    record Family(String name, String type, String help) {}

    private static final Map<String, Family> KNOWN = new LinkedHashMap<>();

    static {
        // the request path (Linkerd's names)
        counter("request_total", "Requests received, by route.");
        counter("response_total", "Responses sent, by route and status.");
        add("response_latency_ms", "histogram", "Time from request start to response end, in milliseconds.");
        counter("proxy_errors_total", "Responses the proxy generated itself, by cause.");
        counter("tcp_open_total", "TCP connections opened.");
        counter("tcp_close_total", "TCP connections closed.");
        gauge("tcp_open_connections", "TCP connections open now.");
        counter("tcp_read_bytes_total", "Bytes read from the downstream peer of TCP connections.");
        counter("tcp_write_bytes_total", "Bytes written to the downstream peer of TCP connections.");
        // route and cluster policies
        counter("rate_limited_total", "Requests refused by a route's local rate limit.");
        counter("faults_injected_total", "Faults injected by a route, by kind (abort, delay).");
        counter("retry_attempts_total", "Retries sent, by cluster and reason.");
        counter("retries_total", "Retries sent to a cluster.");
        counter("retry_budget_exhausted_total", "Retries not sent because the cluster's retry budget was spent.");
        counter("circuit_breaker_overflow_total", "Requests refused by a cluster's circuit breakers, by limit.");
        counter("outlier_ejections_total", "Endpoints ejected by outlier detection.");
        gauge("outlier_ejected_endpoints", "Endpoints ejected by outlier detection now.");
        counter("outlier_success_rate_ejections_total", "Endpoints ejected by outlier detection for a low success rate.");
        counter("health_check_total", "Active health checks, by cluster and result.");
        gauge("health_check_healthy_endpoints", "Endpoints passing active health checks now.");
        counter("authz_decision_total", "Authorization decisions on inbound requests, by policy and decision.");
        // telemetry
        counter("access_log_dropped_total", "Access log entries dropped, by reason.");
        counter("tap_dropped_total", "Tapped requests not delivered to a subscriber, by reason.");
        // configuration and control plane
        counter("proxy_config_updates_total", "Configurations applied since the proxy started (the configuration generation).");
        gauge("proxy_ready", "1 once the proxy has a configuration, else 0.");
        gauge("xds_connected", "1 while the ADS stream to the control plane is up, else 0 (control plane mode only).");
        gauge("xds_last_update_timestamp_seconds",
                "When the last configuration from the control plane was applied, in seconds since the epoch (0: none yet).");
        // identity and mutual TLS
        gauge("identity_cert_expiration_timestamp_seconds",
                "Expiry (notAfter) of the workload certificate in force, in seconds since the epoch (0: none).");
        gauge("identity_cert_expiry_timestamp_seconds",
                "Expiry (notAfter) of the workload certificate in force, in seconds since the epoch, by identity.");
        counter("identity_cert_refresh_total", "Workload certificates and trust bundles applied.");
        gauge("identity_trust_bundle_roots", "Root certificates trusted now.");
        counter("tls_handshake_total", "Mutual TLS handshakes, by direction and result.");
        counter("tls_plaintext_total", "Plaintext connections where mutual TLS was possible, by direction and result.");
        // the process
        gauge("process_start_time_seconds", "Start time of the process, in seconds since the epoch.");
        gauge("process_resident_memory_bytes", "Resident memory of the process, in bytes.");
        counter("process_cpu_seconds_total", "CPU time the process used, user and system, in seconds.");
        gauge("trellis_build_info", "1, labelled with the proxy's version and the Java runtime it runs on.");
    }

    private MetricFamilies() {}

    private static void counter(String name, String help) {
        add(name, "counter", help);
    }

    private static void gauge(String name, String help) {
        add(name, "gauge", help);
    }

    private static void add(String name, String type, String help) {
        KNOWN.put(name, new Family(name, type, help));
    }

    /** The family's description; one not listed here is a counter when named *_total, else a gauge. */
    static Family of(String name) {
        Family f = KNOWN.get(name);
        if (f != null) {
            return f;
        }
        return new Family(name, name.endsWith("_total") ? "counter" : "gauge", "Trellis proxy metric " + name + ".");
    }

    static boolean known(String name) {
        return KNOWN.containsKey(name);
    }

    /** Writes the family's # HELP and # TYPE lines. */
    static void header(StringBuilder out, String name) {
        Family f = of(name);
        out.append("# HELP ").append(name).append(' ').append(f.help()).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(f.type()).append('\n');
    }
}
