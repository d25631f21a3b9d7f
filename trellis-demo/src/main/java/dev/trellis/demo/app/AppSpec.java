package dev.trellis.demo.app;

import java.util.Objects;

/**
 * What to run for one demo service instance.
 *
 * @param kind     which service
 * @param port     the port to listen on, on 127.0.0.1 (0 picks a free one)
 * @param version  the version it reports (catalog)
 * @param outbound the local sidecar's outbound address, "host:port" (web calls other services through it)
 * @param slowness its latency tail (catalog)
 */
public record AppSpec(AppKind kind, int port, String version, String outbound, Slowness slowness) {
    public AppSpec {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(outbound, "outbound");
        Objects.requireNonNull(slowness, "slowness");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
        }
    }

    public RunningApp start() {
        return switch (kind) {
            case WEB -> WebService.start(port, outbound);
            case CATALOG -> CatalogService.start(port, version, slowness);
            case RECOMMEND -> RecommendService.start(port);
        };
    }
}
