package dev.trellis.proxy;

import dev.trellis.proxy.tls.IdentitySource;
import dev.trellis.proxy.transport.Transport;
import java.time.Duration;
import java.util.Objects;

/**
 * How one proxy process runs: its identity, the ports it binds and its protective limits.
 * Port 0 binds an ephemeral port (tests); the bound ports are reported by {@link Proxy}.
 *
 * @param appPort             the local application's port (inbound traffic goes there), 0 when none
 * @param workers             event loops; each owns its connections end to end
 * @param drainTimeout        on shutdown, how long in-flight requests may take to finish
 * @param maxHeaderBytes      request header block limit (431 beyond)
 * @param maxHeaderCount      request header count limit (431 beyond)
 * @param maxConcurrentStreams HTTP/2 streams per downstream connection (SETTINGS_MAX_CONCURRENT_STREAMS)
 * @param identity            where the workload identity (mutual TLS) comes from
 * @param transport           the sockets' transport; by default the one {@link Transport#best()} picks
 *                            ({@code -Dtrellis.transport})
 */
public record ProxyOptions(
        String service,
        String namespace,
        String bindAddress,
        int outboundPort,
        int inboundPort,
        int adminPort,
        int appPort,
        int workers,
        Duration drainTimeout,
        int maxInitialLineBytes,
        int maxHeaderBytes,
        int maxHeaderCount,
        int maxConcurrentStreams,
        IdentitySource identity,
        Transport transport) {

    public static final int DEFAULT_OUTBOUND_PORT = 4140;
    public static final int DEFAULT_INBOUND_PORT = 4143;
    public static final int DEFAULT_ADMIN_PORT = 4191;

    public ProxyOptions {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(drainTimeout, "drainTimeout");
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(transport, "transport");
        if (workers <= 0) {
            throw new IllegalArgumentException("workers: " + workers + " (expected: > 0)");
        }
    }

    public static Builder builder(String service) {
        return new Builder(service);
    }

    public static final class Builder {
        private final String service;
        private String namespace = "default";
        private String bindAddress = "127.0.0.1";
        private int outboundPort = DEFAULT_OUTBOUND_PORT;
        private int inboundPort = DEFAULT_INBOUND_PORT;
        private int adminPort = DEFAULT_ADMIN_PORT;
        private int appPort;
        private int workers = Math.max(1, Runtime.getRuntime().availableProcessors());
        private Duration drainTimeout = Duration.ofSeconds(10);
        private int maxInitialLineBytes = 8 * 1024;
        private int maxHeaderBytes = 64 * 1024;
        private int maxHeaderCount = 100;
        // above the 100 that RFC 9113 recommends, which is what clients (Trellis's own pools included) assume until
        // they have read this limit from SETTINGS
        private int maxConcurrentStreams = 256;
        private IdentitySource identity;
        private Transport transport;

        private Builder(String service) {
            this.service = service;
        }

        public Builder namespace(String v) { this.namespace = v; return this; }
        public Builder bindAddress(String v) { this.bindAddress = v; return this; }
        public Builder outboundPort(int v) { this.outboundPort = v; return this; }
        public Builder inboundPort(int v) { this.inboundPort = v; return this; }
        public Builder adminPort(int v) { this.adminPort = v; return this; }
        public Builder appPort(int v) { this.appPort = v; return this; }
        public Builder workers(int v) { this.workers = v; return this; }
        public Builder drainTimeout(Duration v) { this.drainTimeout = v; return this; }
        public Builder maxInitialLineBytes(int v) { this.maxInitialLineBytes = v; return this; }
        public Builder maxHeaderBytes(int v) { this.maxHeaderBytes = v; return this; }
        public Builder maxHeaderCount(int v) { this.maxHeaderCount = v; return this; }
        public Builder maxConcurrentStreams(int v) { this.maxConcurrentStreams = v; return this; }
        /** Unset: the TRELLIS_* environment variables (see {@link IdentitySource#fromEnvironment}). */
        public Builder identity(IdentitySource v) { this.identity = v; return this; }
        /** Unset: {@link Transport#best()}. */
        public Builder transport(Transport v) { this.transport = v; return this; }

        /** Every port 0: for tests. */
        public Builder ephemeralPorts() {
            outboundPort = 0;
            inboundPort = 0;
            adminPort = 0;
            return this;
        }

        public ProxyOptions build() {
            return new ProxyOptions(service, namespace, bindAddress, outboundPort, inboundPort, adminPort, appPort,
                    workers, drainTimeout, maxInitialLineBytes, maxHeaderBytes, maxHeaderCount, maxConcurrentStreams,
                    identity != null ? identity : IdentitySource.fromEnvironment(System.getenv()),
                    transport != null ? transport : Transport.best());
        }
    }
}
