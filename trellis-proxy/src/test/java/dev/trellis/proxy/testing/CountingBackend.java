package dev.trellis.proxy.testing;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP/1.1 keep-alive server on an ephemeral loopback port (one thread per connection) that counts what the
 * resilience tests look at: connections open at once, requests in flight at once, health checks. Scripted by path:
 * /healthz answers {@link #healthStatus}; /slow?ms=N answers after N ms; /drip?chunks=N&amp;ms=M sends N chunks M ms
 * apart; anything else answers "backend=NAME", or 500 while {@link #failing}.
 */
public final class CountingBackend implements AutoCloseable {
    public final AtomicInteger healthStatus = new AtomicInteger(200);
    public final AtomicBoolean failing = new AtomicBoolean();
    private final String name;
    private final ServerSocket server;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger maxOpen = new AtomicInteger();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger healthChecks = new AtomicInteger();
    private final Map<String, String> lastHealthHeaders = new ConcurrentHashMap<>();

    private CountingBackend(String name) throws IOException {
        this.name = name;
        this.server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "counting-" + name);
        t.setDaemon(true);
        t.start();
    }

    public static CountingBackend start(String name) throws IOException {
        return new CountingBackend(name);
    }

    public int port() {
        return server.getLocalPort();
    }

    public int maxOpenConnections() {
        return maxOpen.get();
    }

    public int acceptedConnections() {
        return accepted.get();
    }

    public int maxInFlight() {
        return maxInFlight.get();
    }

    /** Requests other than health checks. */
    public int requests() {
        return requests.get();
    }

    public int healthChecks() {
        return healthChecks.get();
    }

    /** Headers of the last health check, names in lower case. */
    public Map<String, String> lastHealthHeaders() {
        return lastHealthHeaders;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                s.setTcpNoDelay(true);
                accepted.incrementAndGet();
                maxOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
                Thread h = new Thread(() -> serve(s), "counting-" + name + "-conn");
                h.setDaemon(true);
                h.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s; InputStream in = new BufferedInputStream(s.getInputStream()); OutputStream out = s.getOutputStream()) {
            String line;
            while ((line = readLine(in)) != null) {
                if (line.isEmpty()) {
                    continue;
                }
                String path = line.split(" ")[1];
                Map<String, String> headers = new ConcurrentHashMap<>();
                String h;
                while ((h = readLine(in)) != null && !h.isEmpty()) {
                    int colon = h.indexOf(':');
                    headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
                }
                long length = Long.parseLong(headers.getOrDefault("content-length", "0"));
                for (long i = 0; i < length; i++) {
                    in.read();
                }
                if (!answer(path, headers, out)) {
                    return;
                }
            }
        } catch (IOException | InterruptedException ignored) {
            // the client went away
        } finally {
            open.decrementAndGet();
        }
    }

    /** False when the connection must close. */
    private boolean answer(String path, Map<String, String> headers, OutputStream out) throws IOException, InterruptedException {
        if (path.equals("/healthz")) {
            healthChecks.incrementAndGet();
            lastHealthHeaders.clear();
            lastHealthHeaders.putAll(headers);
            respond(out, healthStatus.get(), "health=" + name + "\n");
            return true;
        }
        requests.incrementAndGet();
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        try {
            if (path.startsWith("/slow")) {
                Thread.sleep(param(path, "ms", 1000));
            }
            if (path.startsWith("/drip")) {
                int chunks = param(path, "chunks", 10);
                int ms = param(path, "ms", 100);
                out.write("HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ntransfer-encoding: chunked\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                for (int i = 0; i < chunks; i++) {
                    Thread.sleep(ms);
                    byte[] chunk = ("chunk " + i + "\n").getBytes(StandardCharsets.US_ASCII);
                    out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(chunk);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                return true;
            }
            respond(out, failing.get() ? 500 : 200, "backend=" + name + "\n");
            return true;
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private static void respond(OutputStream out, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        // one write: head and body in one segment
        out.write(("HTTP/1.1 " + status + " X\r\ncontent-type: text/plain\r\ncontent-length: " + bytes.length + "\r\n\r\n"
                + body).getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static int param(String path, String key, int dflt) {
        int q = path.indexOf('?');
        if (q < 0) {
            return dflt;
        }
        for (String kv : path.substring(q + 1).split("&")) {
            if (kv.startsWith(key + "=")) {
                return Integer.parseInt(kv.substring(key.length() + 1));
            }
        }
        return dflt;
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                int n = b.length();
                return n > 0 && b.charAt(n - 1) == '\r' ? b.substring(0, n - 1) : b.toString();
            }
            b.append((char) c);
        }
        return b.length() == 0 ? null : b.toString();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
