package dev.trellis.config.resource;

import dev.trellis.config.Location;
import java.util.Objects;

/**
 * Whether calls between sidecars must, may or must not be mutual TLS (trellis.dev/v1alpha1
 * PeerAuthentication, after Istio's). Scope, narrowest first: one Service ({@code spec.targetRef}), a
 * namespace (no targetRef), the whole mesh (no targetRef, in namespace {@value #ROOT_NAMESPACE}).
 * Without any, the mode is PERMISSIVE: mutual TLS wherever both sides have an identity, plaintext accepted.
 *
 * @param target the Service it applies to, in the policy's namespace; null for the whole namespace (or mesh)
 */
public record PeerAuthentication(Metadata metadata, Location location, String target, Location targetLocation,
                                 MtlsMode mode) implements Resource {

    public static final String KIND = "PeerAuthentication";
    public static final String API_VERSION = Service.API_VERSION;
    /** A PeerAuthentication without targetRef here applies to the whole mesh. */
    public static final String ROOT_NAMESPACE = "trellis-system";

    public enum MtlsMode {
        /** Plaintext only. */
        DISABLE,
        /** Mutual TLS and plaintext accepted. */
        PERMISSIVE,
        /** Mutual TLS only. */
        STRICT
    }

    public PeerAuthentication {
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(mode, "mode");
    }

    @Override
    public String kind() {
        return KIND;
    }

    public boolean meshWide() {
        return target == null && namespace().equals(ROOT_NAMESPACE);
    }
}
