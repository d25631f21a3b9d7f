package dev.trellis.proxy.upstream;

import dev.trellis.proxy.upstream.pool.Connector;
import io.netty.channel.EventLoop;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Hands each event loop its own {@link WorkerUpstreams}. */
public final class Upstreams {
    private final Connector connector;
    private final Map<EventLoop, WorkerUpstreams> byLoop = new ConcurrentHashMap<>();

    public Upstreams(Connector connector) {
        this.connector = connector;
    }

    /** Call on {@code loop} only. */
    public WorkerUpstreams of(EventLoop loop) {
        WorkerUpstreams w = byLoop.get(loop);
        if (w == null) {
            w = byLoop.computeIfAbsent(loop, l -> new WorkerUpstreams(l, connector));
        }
        return w;
    }

    public void closeAll() {
        byLoop.values().forEach(w -> w.loop().execute(w::closeAll));
    }
}
