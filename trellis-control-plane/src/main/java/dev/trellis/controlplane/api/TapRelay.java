package dev.trellis.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

/**
 * Merges several proxies' tap streams into one response: each event line gets "proxy": its node id and
 * is written whole (lines never interleave). It ends when every proxy's stream ended, when {@code max}
 * events were relayed, when the deadline passes, or when the caller went away; then every stream still
 * open is cancelled.
 */
final class TapRelay {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpExchange exchange;
    private final OutputStream out;
    private final long max;
    private final List<Flow.Subscription> subscriptions = new ArrayList<>();
    private int open;
    private long relayed;
    private boolean closed;

    TapRelay(HttpExchange exchange, long max, Duration deadline, int streams) {
        this.exchange = exchange;
        this.out = exchange.getResponseBody();
        this.max = max;
        this.open = streams;
        CompletableFuture.delayedExecutor(deadline.toMillis(), TimeUnit.MILLISECONDS).execute(this::close);
    }

    /** The subscriber of one proxy's lines. */
    Flow.Subscriber<String> from(String node) {
        return new Flow.Subscriber<>() {
            private Flow.Subscription subscription;

            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscription = s;
                if (!register(s)) {
                    s.cancel();
                    return;
                }
                s.request(1);
            }

            @Override
            public void onNext(String line) {
                if (relay(node, line)) {
                    subscription.request(1);
                } else {
                    subscription.cancel();
                }
            }

            @Override
            public void onError(Throwable t) {
                ended();
            }

            @Override
            public void onComplete() {
                ended();
            }
        };
    }

    private synchronized boolean register(Flow.Subscription s) {
        subscriptions.add(s);
        return !closed;
    }

    /** False once the relay is over. */
    private synchronized boolean relay(String node, String line) {
        if (closed) {
            return false;
        }
        if (line.isBlank()) {
            return true;
        }
        String event;
        try {
            JsonNode n = JSON.readTree(line);
            if (!(n instanceof ObjectNode o)) {
                return true;
            }
            o.put("proxy", node);
            event = JSON.writeValueAsString(o) + "\n";
        } catch (IOException e) {
            return true; // not an event: skip it rather than pass on what a client cannot parse
        }
        try {
            out.write(event.getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            close(); // the caller went away
            return false;
        }
        if (max > 0 && ++relayed >= max) {
            close();
            return false;
        }
        return true;
    }

    private void ended() {
        boolean last;
        synchronized (this) {
            last = --open <= 0;
        }
        if (last) {
            close();
        }
    }

    void close() {
        List<Flow.Subscription> cancel;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            cancel = List.copyOf(subscriptions);
        }
        cancel.forEach(Flow.Subscription::cancel);
        try {
            out.close();
        } catch (IOException e) {
            // the caller is gone already
        }
        exchange.close();
    }
}
