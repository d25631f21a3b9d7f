package dev.trellis.bench.load;

import java.util.NoSuchElementException;

/**
 * A growable FIFO ring of primitive longs: the send times waiting for a free connection, without boxing one
 * {@code Long} per scheduled request. Not thread-safe; each queue lives on one event loop.
 */
public final class LongQueue {
    private long[] ring;
    private int head;
    private int size;

    public LongQueue(int initialCapacity) {
        if (initialCapacity <= 0) {
            throw new IllegalArgumentException("initialCapacity: " + initialCapacity + " (expected: > 0)");
        }
        ring = new long[Integer.highestOneBit(initialCapacity - 1 | 1) << 1];
    }

    public void add(long value) {
        if (size == ring.length) {
            grow();
        }
        ring[(head + size) & (ring.length - 1)] = value;
        size++;
    }

    public long poll() {
        if (size == 0) {
            throw new NoSuchElementException("queue is empty");
        }
        long value = ring[head];
        head = (head + 1) & (ring.length - 1);
        size--;
        return value;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public int size() {
        return size;
    }

    public void clear() {
        head = 0;
        size = 0;
    }

    private void grow() {
        long[] bigger = new long[ring.length << 1];
        for (int i = 0; i < size; i++) {
            bigger[i] = ring[(head + i) & (ring.length - 1)];
        }
        ring = bigger;
        head = 0;
    }
}
