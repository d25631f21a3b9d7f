package dev.trellis.proxy.xds;

import java.time.Duration;

/** protobuf Duration to java.time, rejecting negative values. */
final class Durations {
    private Durations() {}

    static Duration of(com.google.protobuf.Duration d, String type, String name, String field) {
        Duration out = Duration.ofSeconds(d.getSeconds(), d.getNanos());
        if (out.isNegative()) {
            throw new XdsResourceException(type, name, field + ": " + out + " (expected: >= 0)");
        }
        return out;
    }
}
