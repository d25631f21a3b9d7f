package dev.trellis.proxy.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP/1.1 server on an ephemeral loopback port, scripted by path:
 * /echo (method, path, selected headers, body length and a checksum), /status/N, /slow?ms=N, /bytes?n=N.
 */
public final class TestBackend implements AutoCloseable {
    private final HttpServer server;
    private final String name;
    private final AtomicInteger requests = new AtomicInteger();
    private final long delayMillis;

    private TestBackend(String name, long delayMillis) throws IOException {
        this.name = name;
        this.delayMillis = delayMillis;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "backend-" + name);
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    public static TestBackend start(String name) throws IOException {
        return new TestBackend(name, 0);
    }

    /** A backend that answers every request {@code delayMillis} late: a slow instance. */
    public static TestBackend slow(String name, long delayMillis) throws IOException {
        return new TestBackend(name, delayMillis);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public int requests() {
        return requests.get();
    }

    private void handle(HttpExchange ex) throws IOException {
        requests.incrementAndGet();
        if (delayMillis > 0) {
            sleep(delayMillis);
        }
        URI uri = ex.getRequestURI();
        String path = uri.getPath();
        long bodyBytes = 0;
        long checksum = 0;
        try (InputStream in = ex.getRequestBody()) {
            byte[] buf = new byte[65536];
            int n;
            while ((n = in.read(buf)) > 0) {
                bodyBytes += n;
                for (int i = 0; i < n; i++) {
                    checksum = checksum * 31 + buf[i];
                }
            }
        }
        if (path.startsWith("/status/")) {
            respond(ex, Integer.parseInt(path.substring("/status/".length())), name + "\n");
            return;
        }
        if (path.equals("/slow")) {
            sleep(Long.parseLong(param(uri, "ms", "1000")));
        }
        if (path.equals("/bytes")) {
            long n = Long.parseLong(param(uri, "n", "1024"));
            ex.getResponseHeaders().set("content-type", "application/octet-stream");
            ex.sendResponseHeaders(200, n);
            try (OutputStream out = ex.getResponseBody()) {
                byte[] chunk = new byte[65536];
                long left = n;
                while (left > 0) {
                    int k = (int) Math.min(chunk.length, left);
                    out.write(chunk, 0, k);
                    left -= k;
                }
            }
            return;
        }
        String body = "backend=" + name
                + "\nmethod=" + ex.getRequestMethod()
                + "\nuri=" + uri
                + "\nhost=" + ex.getRequestHeaders().getFirst("host")
                + "\nx-test=" + ex.getRequestHeaders().getFirst("x-test")
                + "\norig-proto=" + ex.getRequestHeaders().getFirst("trellis-orig-proto")
                + "\nconnection=" + ex.getRequestHeaders().getFirst("connection")
                + "\nbody-bytes=" + bodyBytes
                + "\nchecksum=" + checksum + "\n";
        respond(ex, 200, body);
    }

    private static void respond(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("content-type", "text/plain");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String param(URI uri, String key, String dflt) {
        String q = uri.getQuery();
        if (q == null) {
            return dflt;
        }
        for (String kv : q.split("&")) {
            if (kv.startsWith(key + "=")) {
                return kv.substring(key.length() + 1);
            }
        }
        return dflt;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
