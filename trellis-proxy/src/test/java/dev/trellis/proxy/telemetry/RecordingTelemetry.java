package dev.trellis.proxy.telemetry;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

/** A {@link RequestTelemetry} that writes down every call it gets, per request, for tests to read. */
public final class RecordingTelemetry implements RequestTelemetry {
    private final Consumer<HttpHeaders> onAttempt;
    public final BlockingQueue<Recorded> started = new LinkedBlockingQueue<>();

    public RecordingTelemetry() {
        this(h -> { });
    }

    /** @param onAttempt changes the upstream headers of each attempt */
    public RecordingTelemetry(Consumer<HttpHeaders> onAttempt) {
        this.onAttempt = onAttempt;
    }

    @Override
    public RequestObserver observe(String direction, HttpRequest request, Channel downstream) {
        Recorded r = new Recorded(direction, request.method() + " " + request.uri(), downstream.eventLoop().inEventLoop());
        started.add(r);
        return r;
    }

    /** One request's calls, as "route svc default svc", "attempt 1 127.0.0.1:80", "retry 1 status_503", "headers 200". */
    public final class Recorded implements RequestObserver {
        public final String direction;
        public final String request;
        public final List<String> calls = new CopyOnWriteArrayList<>();
        public final List<Boolean> onEventLoop = new CopyOnWriteArrayList<>();
        public volatile RequestOutcome outcome;
        private final Thread observedOn = Thread.currentThread();

        Recorded(String direction, String request, boolean onLoop) {
            this.direction = direction;
            this.request = request;
            onEventLoop.add(onLoop);
        }

        private void call(String what) {
            onEventLoop.add(Thread.currentThread() == observedOn);
            calls.add(what);
        }

        @Override
        public void onRoute(String dstService, String route, String cluster) {
            call("route " + dstService + " " + route + " " + cluster);
        }

        @Override
        public void onAttempt(int attempt, String endpoint, HttpHeaders upstreamHeaders) {
            call("attempt " + attempt + " " + endpoint);
            onAttempt.accept(upstreamHeaders);
        }

        @Override
        public void onRetry(int attempt, String reason) {
            call("retry " + attempt + " " + reason);
        }

        @Override
        public void onResponseHeaders(int status, HttpHeaders responseHeaders) {
            call("headers " + status);
        }

        @Override
        public void onEnd(RequestOutcome outcome) {
            call("end");
            this.outcome = outcome;
        }
    }
}
