package dev.trellis.proxy.upstream.pool;

import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * A cluster's limit on open upstream connections across every event loop (Envoy's max_connections circuit
 * breaker): a lock-free count taken before a connection is opened and given back when it closes. A pool that may
 * not open one waits: it registers here, and every slot given back wakes one waiting pool on its own event loop.
 * While pools wait, the others keep no idle connection (they close it, or give one up when asked), so the slots
 * go where the requests are.
 */
public final class ConnectionLimiter {
    /** No limit and no counting: health checks and tests outside a configured proxy. */
    public static final ConnectionLimiter UNLIMITED = new ConnectionLimiter(Integer.MAX_VALUE, new LongAdder());

    /** A pool of one event loop that opens connections under this limit. */
    public interface Member {
        /** A slot may be free: serve what waits. Called on any thread; the pool hops to its own event loop. */
        void wake();

        /** Close one idle connection, if any, so that a waiting pool may open one. Called on any thread. */
        void giveUpIdle();
    }

    private final AtomicInteger open = new AtomicInteger();
    private final Queue<Member> waiting = new ConcurrentLinkedQueue<>();
    private final Set<Member> holdingIdle = ConcurrentHashMap.newKeySet();
    private final LongAdder overflows;
    private volatile int max;

    /** @param overflows counts the times a connection was wanted but the limit was reached */
    public ConnectionLimiter(int max, LongAdder overflows) {
        this.max = max;
        this.overflows = overflows;
    }

    /** A new limit (a configuration update); connections already open stay, and waiting pools are woken if it grew. */
    public void setMax(int max) {
        int grown = max - this.max;
        this.max = max;
        for (int i = 0; i < grown && !waiting.isEmpty(); i++) {
            wakeOne();
        }
    }

    public int max() {
        return max;
    }

    public int open() {
        return open.get();
    }

    /** Takes a slot for a new connection; the caller must {@link #release} it when that connection closes. */
    public boolean tryAcquire() {
        if (this == UNLIMITED) {
            return true;
        }
        for (;;) {
            int n = open.get();
            if (n >= max) {
                return false;
            }
            if (open.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** A connection opened under this limit closed. */
    public void release() {
        if (this == UNLIMITED) {
            return;
        }
        open.decrementAndGet();
        wakeOne();
    }

    /** A request needed a new connection and the limit refused it. */
    public void overflowed() {
        overflows.increment();
    }

    /**
     * {@code pool} waits for a slot: it is woken once one is given back (or at once if one was given back meanwhile),
     * and a pool holding an idle connection is asked to give it up.
     */
    public void await(Member pool) {
        waiting.add(pool);
        if (open.get() < max) {
            wakeOne();
        }
        askForIdle();
    }

    /** Asks one pool holding idle connections to give one up (it asks again if it had none left). */
    public void askForIdle() {
        for (Member holder : holdingIdle) {
            holder.giveUpIdle();
            return;
        }
    }

    /** Whether some pool waits for a slot: an idle connection is then better closed than kept. */
    public boolean hasWaiters() {
        return !waiting.isEmpty();
    }

    /** A woken pool that had nothing left to serve passes its wake-up on. */
    public void passOn() {
        if (open.get() < max) {
            wakeOne();
        }
    }

    /** Whether {@code pool} now keeps idle connections it could give up. */
    public void holdsIdle(Member pool, boolean holds) {
        if (this == UNLIMITED) {
            return;
        }
        if (holds) {
            holdingIdle.add(pool);
        } else {
            holdingIdle.remove(pool);
        }
    }

    private void wakeOne() {
        Member m = waiting.poll();
        if (m != null) {
            m.wake();
        }
    }
}
