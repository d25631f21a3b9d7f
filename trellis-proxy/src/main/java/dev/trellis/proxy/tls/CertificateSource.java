package dev.trellis.proxy.tls;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.function.Consumer;

/**
 * Where this proxy's workload identity comes from: files (standalone mode) or the control plane's CA.
 * A source delivers the first identity and every renewal to the consumer, from its own thread.
 */
public interface CertificateSource extends AutoCloseable {

    void start(Consumer<WorkloadIdentity> onIdentity);

    /** A trust bundle pushed by the control plane; only a source fed by the control plane's CA uses it. */
    default void trustBundlePushed(List<X509Certificate> roots) {}

    /** Whether pushes arrive (see {@link TrustBundleListener}). */
    default void trustBundlePushLive(boolean live) {}

    /** For logs: "files in /etc/trellis/identity", "CA at 127.0.0.1:15080". */
    String describe();

    @Override
    void close();
}
