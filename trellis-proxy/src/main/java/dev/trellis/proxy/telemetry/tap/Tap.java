package dev.trellis.proxy.telemetry.tap;

import dev.trellis.proxy.metrics.ProxyMetrics;
import dev.trellis.proxy.telemetry.RequestObserver;
import dev.trellis.proxy.telemetry.RequestTelemetry;
import dev.trellis.proxy.telemetry.accesslog.RequestRecord;
import dev.trellis.proxy.telemetry.accesslog.RequestRecorder;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Live requests for whoever listens on the admin port's {@code GET /tap}. While nobody listens, or no listener's
 * filter takes a request, the request gets no observer at all; otherwise each finished request becomes one JSON
 * event, rendered once and handed to every subscriber that wants it.
 */
public final class Tap implements RequestTelemetry {
    private static final TapSubscriber[] NONE = new TapSubscriber[0];

    private final String service;
    private final LongAdder dropped;
    private volatile TapSubscriber[] subscribers = NONE;

    /** @param service the proxy's own service (the source of outbound requests) */
    public Tap(String service, ProxyMetrics metrics) {
        this.service = service;
        this.dropped = metrics.counter("tap_dropped_total", "reason=\"slow_subscriber\"");
    }

    @Override
    public RequestObserver observe(String direction, HttpRequest request, Channel downstream) {
        TapSubscriber[] all = subscribers;
        if (all.length == 0) {
            return null;
        }
        String method = request.method().name();
        String authority = request.headers().get(HttpHeaderNames.HOST);
        String path = request.uri();
        List<TapSubscriber> wanting = null;
        for (TapSubscriber s : all) {
            if (s.query().matches(direction, method, authority, path)) {
                if (wanting == null) {
                    wanting = new ArrayList<>(all.length);
                }
                wanting.add(s);
            }
        }
        if (wanting == null) {
            return null;
        }
        TapSubscriber[] to = wanting.toArray(NONE);
        return new RequestRecorder(direction, request, downstream, record -> publish(record, to));
    }

    private void publish(RequestRecord record, TapSubscriber[] to) {
        String event = TapEvent.json(record, service);
        for (TapSubscriber s : to) {
            s.offer(event);
        }
    }

    /**
     * Streams events to {@code channel} (an admin connection that asked for {@code GET /tap}) as a chunked
     * NDJSON response, until the query's limits are reached or the connection closes. Call on the channel's loop.
     */
    public void stream(Channel channel, TapQuery query) {
        TapSubscriber s = new TapSubscriber(this, channel, query);
        add(s);
        s.start();
    }

    /** Subscribers listening now. */
    public int subscribers() {
        return subscribers.length;
    }

    void dropped() {
        dropped.increment();
    }

    private synchronized void add(TapSubscriber s) {
        TapSubscriber[] next = Arrays.copyOf(subscribers, subscribers.length + 1);
        next[next.length - 1] = s;
        subscribers = next;
    }

    synchronized void remove(TapSubscriber s) {
        List<TapSubscriber> next = new ArrayList<>(Arrays.asList(subscribers));
        if (next.remove(s)) {
            subscribers = next.toArray(NONE);
        }
    }
}
