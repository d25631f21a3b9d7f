package dev.trellis.it;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** An application in the test JVM: answers every request with its name. */
final class HttpBackend implements AutoCloseable {
    final String name;
    final AtomicInteger requests = new AtomicInteger();
    /** Host and path of each request. */
    final List<String> seen = new CopyOnWriteArrayList<>();
    private final HttpServer server;

    private HttpBackend(String name, HttpServer server) {
        this.name = name;
        this.server = server;
    }

    static HttpBackend start(String name) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
        HttpBackend b = new HttpBackend(name, server);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/", ex -> {
            b.seen.add(ex.getRequestHeaders().getFirst("Host") + ex.getRequestURI());
            b.requests.incrementAndGet();
            byte[] body = name.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return b;
    }

    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
