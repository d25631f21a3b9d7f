package dev.trellis.controlplane;

import java.nio.file.Path;
import java.time.Clock;
import dev.trellis.controlplane.telemetry.ScrapeOptions;
import java.time.Duration;
import java.util.Objects;

/**
 * How a control plane runs. Port 0 binds an ephemeral port (tests); the bound ports are reported by
 * {@link ControlPlane}.
 *
 * @param configDir    the watched directory of YAML resources
 * @param pollInterval how often the directory is read (a change is live within about this long)
 * @param instanceTtl  how long a registered instance lives without a heartbeat (or after its proxy's
 *                     stream broke)
 * @param stateFile    where registered instances are saved across restarts
 * @param caDirectory  the certificate authority's root (or user-supplied CA) and token key
 * @param localTokens  hand out bootstrap tokens to loopback callers when the API is bound to loopback
 *                     ({@code POST /api/v1/tokens}, for a local development mesh)
 * @param scrape       how often each proxy's metrics are gathered for the stats API, the CLI views and the dashboard
 */
public record ControlPlaneOptions(
        Path configDir,
        String bindAddress,
        int xdsPort,
        int apiPort,
        Duration pollInterval,
        Duration instanceTtl,
        Path stateFile,
        Path caDirectory,
        Clock clock,
        boolean localTokens,
        ScrapeOptions scrape) {

    public static final int DEFAULT_XDS_PORT = 15010;
    public static final int DEFAULT_API_PORT = 15080;

    public ControlPlaneOptions {
        Objects.requireNonNull(configDir, "configDir");
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(instanceTtl, "instanceTtl");
        Objects.requireNonNull(stateFile, "stateFile");
        Objects.requireNonNull(caDirectory, "caDirectory");
        Objects.requireNonNull(clock, "clock");
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("pollInterval: " + pollInterval + " (expected: > 0)");
        }
    }

    public static Builder builder(Path configDir) {
        return new Builder(configDir);
    }

    public static final class Builder {
        private final Path configDir;
        private String bindAddress = "127.0.0.1";
        private int xdsPort = DEFAULT_XDS_PORT;
        private int apiPort = DEFAULT_API_PORT;
        private Duration pollInterval = Duration.ofMillis(250);
        private Duration instanceTtl = Duration.ofSeconds(30);
        private Path stateFile;
        private Path caDirectory;
        private Clock clock = Clock.systemUTC();
        private boolean localTokens = true;
        private ScrapeOptions scrape = ScrapeOptions.defaults();

        private Builder(Path configDir) {
            this.configDir = configDir;
        }

        public Builder bindAddress(String v) { this.bindAddress = v; return this; }
        public Builder xdsPort(int v) { this.xdsPort = v; return this; }
        public Builder apiPort(int v) { this.apiPort = v; return this; }
        public Builder pollInterval(Duration v) { this.pollInterval = v; return this; }
        public Builder instanceTtl(Duration v) { this.instanceTtl = v; return this; }
        public Builder stateFile(Path v) { this.stateFile = v; return this; }
        public Builder caDirectory(Path v) { this.caDirectory = v; return this; }
        public Builder clock(Clock v) { this.clock = v; return this; }
        public Builder localTokens(boolean v) { this.localTokens = v; return this; }
        public Builder scrapeInterval(Duration v) { this.scrape = ScrapeOptions.of(v); return this; }

        public ControlPlaneOptions build() {
            Path state = stateFile != null ? stateFile : configDir.resolve(".trellis").resolve("instances.json");
            Path ca = caDirectory != null ? caDirectory : configDir.resolve(".trellis").resolve("ca");
            return new ControlPlaneOptions(configDir, bindAddress, xdsPort, apiPort, pollInterval, instanceTtl, state, ca, clock, localTokens, scrape);
        }
    }
}
