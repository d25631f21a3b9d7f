package dev.trellis.proxy.tls;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Where a proxy's workload identity comes from: files in a directory, or the control plane's CA with a
 * bootstrap token; or nowhere (no mutual TLS until one is configured).
 *
 * @param identityDir   cert-chain.pem, key.pem and root-cert.pem, watched for rotation; null when not from files
 * @param caAddress     the control plane's CA, which signs this proxy's certificates: {@code grpc://HOST:PORT} (its
 *                      xDS port, Istio's certificate service), or {@code http://HOST:PORT} or a bare HOST:PORT (its REST API)
 * @param token         the bootstrap token itself, or null
 * @param tokenFile     a file holding the bootstrap token (re-read at each renewal), or null
 * @param certTtl       the certificate lifetime to ask the CA for; null for the CA's default
 * @param bundleRefresh how often the CA's trust bundle is re-read
 */
public record IdentitySource(Path identityDir, String caAddress, String token, Path tokenFile, Duration certTtl,
                             Duration bundleRefresh) {

    /** The scheme of a CA address reached over gRPC. */
    public static final String GRPC_SCHEME = "grpc://";
    public static final Duration DEFAULT_BUNDLE_REFRESH = Duration.ofSeconds(30);
    public static final IdentitySource NONE = new IdentitySource(null, null, null, null, null, DEFAULT_BUNDLE_REFRESH);

    public IdentitySource {
        caAddress = blankToNull(caAddress);
        token = blankToNull(token);
        if (bundleRefresh == null) {
            bundleRefresh = DEFAULT_BUNDLE_REFRESH;
        }
    }

    public static IdentitySource files(Path dir) {
        return new IdentitySource(dir, null, null, null, null, DEFAULT_BUNDLE_REFRESH);
    }

    /**
     * The TRELLIS_* environment variables: TRELLIS_IDENTITY_DIR; or TRELLIS_CA_ADDRESS with TRELLIS_TOKEN or
     * TRELLIS_TOKEN_FILE, and optionally TRELLIS_CERT_TTL (e.g. 24h, 90s) and TRELLIS_BUNDLE_REFRESH (default 30s).
     */
    public static IdentitySource fromEnvironment(Map<String, String> env) {
        String dir = blankToNull(env.get("TRELLIS_IDENTITY_DIR"));
        String file = blankToNull(env.get("TRELLIS_TOKEN_FILE"));
        String ttl = blankToNull(env.get("TRELLIS_CERT_TTL"));
        String refresh = blankToNull(env.get("TRELLIS_BUNDLE_REFRESH"));
        return new IdentitySource(dir == null ? null : Path.of(dir), env.get("TRELLIS_CA_ADDRESS"), env.get("TRELLIS_TOKEN"),
                file == null ? null : Path.of(file), ttl == null ? null : ProxyTls.parseDuration(ttl),
                refresh == null ? null : ProxyTls.parseDuration(refresh));
    }

    public boolean fromFiles() {
        return identityDir != null;
    }

    public boolean fromCa() {
        return identityDir == null && caAddress != null;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
