package dev.trellis.proxy.listener;

import io.netty.channel.ChannelHandlerContext;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The timer of a connection idle timeout: started each time the connection becomes idle, it expires once the
 * connection has stayed idle for the whole timeout. One timer at a time per connection, re-armed for the time left
 * rather than rescheduled on every event; runs on the connection's event loop.
 */
final class IdleClock {
    private final long timeoutNanos;
    private final BooleanSupplier busy;
    private final Runnable expire;
    private long idleSinceNanos;
    private ScheduledFuture<?> check;

    /**
     * @param busy   whether the connection has work in flight (then the end of that work restarts the clock)
     * @param expire what to do when the timeout passes idle
     */
    IdleClock(long timeoutMillis, BooleanSupplier busy, Runnable expire) {
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        this.busy = busy;
        this.expire = expire;
    }

    void becameIdle(ChannelHandlerContext ctx) {
        idleSinceNanos = System.nanoTime();
        if (check == null) {
            schedule(ctx, timeoutNanos);
        }
    }

    void cancel() {
        if (check != null) {
            check.cancel(false);
            check = null;
        }
    }

    private void schedule(ChannelHandlerContext ctx, long delayNanos) {
        check = ctx.executor().schedule(() -> check(ctx), delayNanos, TimeUnit.NANOSECONDS);
    }

    private void check(ChannelHandlerContext ctx) {
        check = null;
        if (busy.getAsBoolean()) {
            return;
        }
        long idle = System.nanoTime() - idleSinceNanos;
        if (idle >= timeoutNanos) {
            expire.run();
        } else {
            schedule(ctx, timeoutNanos - idle);
        }
    }
}
