package dev.trellis.proxy.metrics;

import java.util.concurrent.atomic.LongAdder;

/** Opaque TCP counters of one (direction, destination). */
public final class TcpStats {
    final String labels;
    final LongAdder opened = new LongAdder();
    final LongAdder closed = new LongAdder();
    final LongAdder readBytes = new LongAdder();
    final LongAdder writeBytes = new LongAdder();

    TcpStats(String labels) {
        this.labels = labels;
    }

    public void opened() {
        opened.increment();
    }

    public void closed() {
        closed.increment();
    }

    /** Bytes read from the downstream peer. */
    public void read(long bytes) {
        readBytes.add(bytes);
    }

    /** Bytes written to the downstream peer. */
    public void written(long bytes) {
        writeBytes.add(bytes);
    }
}
