package dev.trellis.proxy.xds;

import dev.trellis.proxy.config.ProxySnapshot;
import java.util.function.Consumer;

/**
 * Where a proxy's configuration comes from: the control plane over ADS, or a local file decoded by
 * the same translator. Either way the proxy receives validated, complete snapshots.
 */
public interface ConfigSource extends AutoCloseable {

    /**
     * Begins delivering snapshots to {@code onUpdate}, one at a time, each replacing the previous one.
     * Invalid updates are reported (logged, or NACKed) and never delivered.
     */
    void start(Consumer<ProxySnapshot> onUpdate);

    /** Stops delivering; the last snapshot delivered stays in force. */
    @Override
    void close();
}
