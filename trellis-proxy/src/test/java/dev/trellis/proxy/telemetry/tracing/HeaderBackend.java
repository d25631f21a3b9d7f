package dev.trellis.proxy.telemetry.tracing;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP/1.1 application that keeps the headers of every request it gets: /status/N answers N, /flaky answers 503
 * the first time and 200 after, /slow answers a second late, anything else 200 at once.
 */
final class HeaderBackend implements AutoCloseable {
    final List<Headers> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger flaky = new AtomicInteger();
    private final HttpServer server;

    HeaderBackend() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "header-backend");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", ex -> {
            try (InputStream in = ex.getRequestBody()) {
                in.readAllBytes();
            }
            received.add(ex.getRequestHeaders());
            String path = ex.getRequestURI().getPath();
            if (path.equals("/slow")) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            int status = path.startsWith("/status/") ? Integer.parseInt(path.substring("/status/".length()))
                    : path.equals("/flaky") && flaky.getAndIncrement() == 0 ? 503 : 200;
            byte[] body = ("status " + status + "\n").getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    Headers last() {
        return received.get(received.size() - 1);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
