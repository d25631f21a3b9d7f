package dev.trellis.bench.load;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Runs one load test: opens the connections, starts the clock once all are up, samples the watched processes
 * at the edges of the measurement window, drains, and merges the per-connection counts.
 */
public final class LoadGenerator {
    private static final long CONNECT_TIMEOUT_MILLIS = 5_000;
    /** A short lead so every connection's first send is scheduled ahead of "now". */
    private static final long START_LEAD_NANOS = 20_000_000;

    private final LoadSpec spec;
    private final ProcessWatch watch;

    public LoadGenerator(LoadSpec spec, ProcessWatch watch) {
        this.spec = spec;
        this.watch = watch;
    }

    public LoadResult run() throws IOException, InterruptedException {
        InetAddress address = InetAddress.getByName(spec.host());
        if (!address.isLoopbackAddress()) {
            throw new IllegalArgumentException("host: " + spec.host() + " (expected: a loopback address)");
        }
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends Channel> channelType = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
        RequestTemplate template = RequestTemplate.of(spec);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(spec.ioThreads(), io);
        try {
            Connector connector = new Connector(channelType, new InetSocketAddress(address, spec.port()),
                    spec.protocol(), template);
            CountDownLatch ready = new CountDownLatch(spec.connections());
            List<ConnectionDriver> drivers = new ArrayList<>();
            List<EventLoop> loops = new ArrayList<>();
            for (int i = 0; i < spec.connections(); i++) {
                EventLoop loop = group.next();
                ConnectionDriver driver = new ConnectionDriver(loop, connector, spec, i, ready);
                drivers.add(driver);
                loops.add(loop);
                driver.connect();
            }
            if (!ready.await(CONNECT_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
                throw new IOException("connected " + (spec.connections() - ready.getCount()) + " of "
                        + spec.connections() + " connections to " + spec.host() + ":" + spec.port()
                        + " within " + CONNECT_TIMEOUT_MILLIS + " ms");
            }
            long start = System.nanoTime() + START_LEAD_NANOS;
            long measureStart = start + spec.warmup().toNanos();
            RunClock clock = new RunClock(start, measureStart, measureStart + spec.duration().toNanos());
            for (int i = 0; i < drivers.size(); i++) {
                ConnectionDriver driver = drivers.get(i);
                loops.get(i).execute(() -> driver.start(clock));
            }
            sleepUntil(clock.measureStart());
            watch.begin();
            sleepUntil(clock.measureEnd());
            List<ProcessUsage> usage = watch.end();
            drain(drivers, loops);
            return merge(drivers, loops, clock, usage);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            template.close();
        }
    }

    private void drain(List<ConnectionDriver> drivers, List<EventLoop> loops) throws InterruptedException {
        long deadline = System.nanoTime() + spec.drainTimeout().toNanos();
        while (System.nanoTime() - deadline < 0 && outstanding(drivers, loops) > 0) {
            Thread.sleep(5);
        }
    }

    private static int outstanding(List<ConnectionDriver> drivers, List<EventLoop> loops)
            throws InterruptedException {
        int total = 0;
        for (int i = 0; i < drivers.size(); i++) {
            total += onLoop(loops.get(i), drivers.get(i)::outstanding);
        }
        return total;
    }

    private LoadResult merge(List<ConnectionDriver> drivers, List<EventLoop> loops, RunClock clock,
                             List<ProcessUsage> usage) throws InterruptedException {
        Histogram histogram = new Histogram(LatencyRecorder.MAX_NANOS, 3);
        long completed = 0;
        long errors = 0;
        long timeouts = 0;
        long reconnects = 0;
        Map<String, Long> failures = new TreeMap<>();
        for (int i = 0; i < drivers.size(); i++) {
            LatencyRecorder.Counts counts = onLoop(loops.get(i), drivers.get(i)::finish);
            histogram.add(counts.histogram());
            completed += counts.completedInWindow();
            errors += counts.errors();
            timeouts += counts.timeouts();
            reconnects += counts.reconnects();
            counts.failures().forEach((outcome, count) -> failures.merge(Outcome.describe(outcome), count, Long::sum));
        }
        double windowSeconds = (clock.measureEnd() - clock.measureStart()) / 1e9;
        return new LoadResult(spec, histogram, completed, errors, failures, timeouts, reconnects, windowSeconds,
                usage);
    }

    private static <T> T onLoop(EventLoop loop, java.util.concurrent.Callable<T> task) throws InterruptedException {
        try {
            return loop.submit(task).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("event loop task failed", e.getCause());
        }
    }

    private static void sleepUntil(long deadlineNanos) throws InterruptedException {
        long remaining;
        while ((remaining = deadlineNanos - System.nanoTime()) > 0) {
            LockSupport.parkNanos(remaining);
            if (Thread.interrupted()) {
                throw new InterruptedException("load run interrupted");
            }
        }
    }
}
