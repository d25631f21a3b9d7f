package dev.trellis.proxy.config;

import java.util.Objects;

/**
 * A copy of a route's requests, sent to another cluster as well; its responses are discarded (Envoy's
 * request_mirror_policies).
 *
 * @param cluster            where the copies go
 * @param perMillion         how many requests in a million are copied, 0..1,000,000
 * @param shadowHostSuffix   the copy's Host gets "-shadow" appended to its host name, as Envoy does, so the receiver can
 *                           tell copies apart
 */
public record MirrorPolicy(String cluster, int perMillion, boolean shadowHostSuffix) {
    public static final int MILLION = 1_000_000;

    public MirrorPolicy {
        Objects.requireNonNull(cluster, "cluster");
        if (perMillion < 0 || perMillion > MILLION) {
            throw new IllegalArgumentException("perMillion: " + perMillion + " (expected: 0.." + MILLION + ")");
        }
    }
}
