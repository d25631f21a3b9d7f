package dev.trellis.proxy.tls;

import java.util.function.Consumer;

/**
 * Where this proxy's workload identity comes from: files (standalone mode) or the control plane's CA.
 * A source delivers the first identity and every renewal to the consumer, from its own thread.
 */
public interface CertificateSource extends AutoCloseable {

    void start(Consumer<WorkloadIdentity> onIdentity);

    /** For logs: "files in /etc/trellis/identity", "CA at 127.0.0.1:15080". */
    String describe();

    @Override
    void close();
}
