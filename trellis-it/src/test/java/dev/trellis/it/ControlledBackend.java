package dev.trellis.it;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test upstream in the test JVM whose behaviour the test switches while traffic flows: it answers 200 with its
 * name, or answers with an error status, or answers late.
 */
final class ControlledBackend implements AutoCloseable {
    final String name;
    final AtomicInteger requests = new AtomicInteger();
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private volatile int status = 200;
    private volatile long delayMillis;

    private ControlledBackend(String name, HttpServer server) {
        this.name = name;
        this.server = server;
    }

    static ControlledBackend start(String name) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        ControlledBackend b = new ControlledBackend(name, server);
        server.setExecutor(b.executor);
        server.createContext("/", b::handle);
        server.start();
        return b;
    }

    private void handle(com.sun.net.httpserver.HttpExchange ex) throws IOException {
        requests.incrementAndGet();
        long delay = delayMillis;
        if (delay > 0) {
            try {
                Thread.sleep(delay); // the injected slowness itself, not a wait for something to happen
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        byte[] body = name.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    /** From now on every request is answered with {@code status}. */
    ControlledBackend answer(int status) {
        this.status = status;
        return this;
    }

    /** From now on every answer is sent {@code delay} after the request arrived. */
    ControlledBackend slowBy(Duration delay) {
        this.delayMillis = delay.toMillis();
        return this;
    }

    String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
