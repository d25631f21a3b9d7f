package dev.trellis.proxy.telemetry.tracing;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** x-request-id, as Envoy sets it: a random UUID when the request came without one, the same on every attempt. */
final class RequestIds {
    static final String HEADER = "x-request-id";

    private RequestIds() {
    }

    static void ensure(HttpHeaders upstream) {
        if (!upstream.contains(HEADER)) {
            upstream.set(HEADER, random().toString());
        }
    }

    /** A version 4 UUID from the thread's generator: no lock, no entropy wait on an event loop. */
    static UUID random() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long hi = (r.nextLong() & ~0xF000L) | 0x4000L;
        long lo = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(hi, lo);
    }
}
