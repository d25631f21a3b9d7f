package dev.trellis.proxy.tls;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Where a trust bundle pushed by the control plane goes (the SDS secret {@code ROOTCA} on the ADS stream,
 * decoded at the xds edge). While pushes arrive, an identity source that polls its CA for the bundle stops
 * polling; when the stream is gone it polls again.
 */
public interface TrustBundleListener {

    /** A new bundle, already validated (at least one root). */
    void trustBundlePushed(List<X509Certificate> roots);

    /** Whether pushes arrive: true once a bundle came on an open stream, false when the stream ends. */
    void trustBundlePushLive(boolean live);
}
