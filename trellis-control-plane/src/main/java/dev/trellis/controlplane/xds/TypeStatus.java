package dev.trellis.controlplane.xds;

/**
 * Where one xDS resource type stands on one stream.
 *
 * @param sent     the version last sent
 * @param acked    the version the client last accepted (or reported running when it connected)
 * @param rejected the version last NACKed, null when none since the last ACK
 * @param error    the client's error detail for {@code rejected}
 */
public record TypeStatus(String sent, String acked, String rejected, String error) {
    static final TypeStatus NONE = new TypeStatus(null, null, null, null);
}
