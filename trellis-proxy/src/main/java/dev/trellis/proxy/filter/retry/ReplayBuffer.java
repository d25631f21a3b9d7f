package dev.trellis.proxy.filter.retry;

import io.netty.handler.codec.http.HttpContent;
import java.util.ArrayList;
import java.util.List;

/**
 * The request body parts already sent, kept (as retained duplicates) so another attempt can send them again.
 * Past the size bound it gives up and releases everything: such a request is not retried.
 */
public final class ReplayBuffer {
    private final int maxBytes;
    private final List<HttpContent> parts = new ArrayList<>();
    private long bytes;
    private boolean overflowed;

    public ReplayBuffer(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** Keeps a duplicate of a part that is being sent. */
    public void keep(HttpContent part) {
        if (overflowed) {
            return;
        }
        bytes += part.content().readableBytes();
        if (bytes > maxBytes) {
            overflowed = true;
            release();
            return;
        }
        parts.add(part.retainedDuplicate());
    }

    public boolean replayable() {
        return !overflowed;
    }

    /** Fresh duplicates of the kept parts, in order, for the next attempt to write. */
    public List<HttpContent> duplicates() {
        List<HttpContent> out = new ArrayList<>(parts.size());
        for (HttpContent p : parts) {
            out.add(p.retainedDuplicate());
        }
        return out;
    }

    public void release() {
        for (HttpContent p : parts) {
            p.release();
        }
        parts.clear();
    }
}
