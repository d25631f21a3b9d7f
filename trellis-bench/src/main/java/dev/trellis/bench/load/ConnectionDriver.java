package dev.trellis.bench.load;

import io.netty.channel.EventLoop;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Feeds one connection and keeps it open. Everything here runs on the connection's event loop.
 *
 * <p>Open loop: request {@code k} of connection {@code c} (of {@code n}) is due at
 * {@code start + (k * n + c) / rate}, whatever happened to earlier requests; a due request that finds the
 * connection busy waits in a queue, and its latency still counts from when it was due. That keeps the
 * measurement free of coordinated omission: a stalled server cannot slow down the clock that judges it.
 *
 * <p>Closed loop (saturation): {@code depth} requests stay in flight; each response sends the next one at
 * once, and latency counts from the actual send.
 */
final class ConnectionDriver implements ExchangeListener {
    private static final long RECONNECT_DELAY_MILLIS = 100;

    private final EventLoop loop;
    private final Connector connector;
    private final CountDownLatch ready;
    private final int maxInFlight;
    private final boolean saturating;
    private final double firstOffsetNanos;
    private final double strideNanos;
    private final LongQueue waiting = new LongQueue(64);
    private RunClock clock;
    private LatencyRecorder recorder;
    private ClientConnection connection;
    private boolean readySignalled;
    private boolean finished;
    private int inFlight;
    private long nextIndex;

    /**
     * @param index this connection's position among {@code spec.connections()}, which staggers its sends
     *              against the other connections so that the sum is evenly spaced
     */
    ConnectionDriver(EventLoop loop, Connector connector, LoadSpec spec, int index, CountDownLatch ready) {
        this.loop = loop;
        this.connector = connector;
        this.ready = ready;
        this.saturating = spec.saturating();
        this.maxInFlight = saturating ? spec.depth() : spec.protocol().maxInFlightPerConnection();
        double periodNanos = saturating ? 0 : 1e9 / spec.rate();
        this.firstOffsetNanos = index * periodNanos;
        this.strideNanos = spec.connections() * periodNanos;
    }

    void connect() {
        loop.execute(() -> connector.connect(loop, this));
    }

    /** Starts sending; called on this driver's loop. */
    void start(RunClock runClock) {
        clock = runClock;
        recorder = new LatencyRecorder(runClock);
        if (saturating) {
            long now = System.nanoTime();
            for (int i = 0; i < maxInFlight; i++) {
                waiting.add(now);
            }
            dispatch();
        } else {
            tick();
        }
    }

    /** Requests not yet answered: queued or in flight. */
    int outstanding() {
        return waiting.size() + inFlight;
    }

    /** Ends the run for this connection: whatever is still outstanding timed out. */
    LatencyRecorder.Counts finish() {
        finished = true;
        if (recorder == null) {
            throw new IllegalStateException("finish() before start()");
        }
        recorder.timedOut(outstanding());
        waiting.clear();
        inFlight = 0;
        if (connection != null) {
            connection.close();
        }
        return recorder.snapshot();
    }

    private void tick() {
        if (finished) {
            return;
        }
        long now = System.nanoTime();
        long due = dueTime(nextIndex);
        while (due - now <= 0 && due - clock.measureEnd() < 0) {
            waiting.add(due);
            due = dueTime(++nextIndex);
        }
        dispatch();
        if (due - clock.measureEnd() < 0) {
            loop.schedule(this::tick, due - now, TimeUnit.NANOSECONDS);
        }
    }

    private long dueTime(long k) {
        return clock.start() + (long) (firstOffsetNanos + k * strideNanos);
    }

    private void dispatch() {
        if (connection == null || finished) {
            return;
        }
        boolean sent = false;
        while (!waiting.isEmpty() && inFlight < maxInFlight && connection.canSend()) {
            inFlight++;
            connection.send(waiting.poll());
            sent = true;
        }
        if (sent) {
            connection.flush();
        }
    }

    @Override
    public void onReady(ClientConnection readyConnection) {
        connection = readyConnection;
        if (!readySignalled) {
            readySignalled = true;
            ready.countDown();
        }
        dispatch();
    }

    @Override
    public void onResponse(long startNanos, int outcome) {
        if (finished) {
            return;
        }
        inFlight--;
        long now = System.nanoTime();
        recorder.record(startNanos, now, outcome);
        if (saturating && now - clock.measureEnd() < 0) {
            waiting.add(now);
        }
        dispatch();
    }

    @Override
    public void onClosed(ClientConnection closed) {
        if (connection == closed) {
            connection = null;
        }
        if (!finished) {
            if (recorder != null) {
                recorder.reconnected();
            }
            connector.connect(loop, this);
        }
    }

    @Override
    public void onConnectFailed(Throwable cause) {
        if (!finished) {
            loop.schedule(() -> connector.connect(loop, this), RECONNECT_DELAY_MILLIS, TimeUnit.MILLISECONDS);
        }
    }
}
