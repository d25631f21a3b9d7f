package dev.trellis.proxy.telemetry;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A raw HTTP/1.1 upstream on an ephemeral loopback port that misbehaves on purpose: it reads a request head and
 * then either answers part of a response and closes the connection, or never answers at all.
 */
public final class ScriptedUpstream implements AutoCloseable {
    private final ServerSocket socket;
    private final AtomicInteger requests = new AtomicInteger();

    private ScriptedUpstream(String answer, boolean hang) throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!socket.isClosed()) {
                try {
                    Socket s = socket.accept();
                    Thread h = new Thread(() -> serve(s, answer, hang), "scripted-upstream-conn");
                    h.setDaemon(true);
                    h.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "scripted-upstream");
        t.setDaemon(true);
        t.start();
    }

    /** Sends the response head announcing {@code contentLength} bytes, then {@code sent} of them, then closes. */
    public static ScriptedUpstream cutsResponse(int contentLength, int sent) throws IOException {
        return new ScriptedUpstream("HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: " + contentLength
                + "\r\n\r\n" + "x".repeat(sent), false);
    }

    /** Reads requests and never answers; the connection stays open until the peer closes it. */
    public static ScriptedUpstream neverAnswers() throws IOException {
        return new ScriptedUpstream(null, true);
    }

    public int port() {
        return socket.getLocalPort();
    }

    /** Request heads read so far. */
    public int requests() {
        return requests.get();
    }

    private void serve(Socket s, String answer, boolean hang) {
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            readHead(in);
            requests.incrementAndGet();
            if (hang) {
                while (in.read() >= 0) {
                    // hold the request until the proxy gives up on it
                }
                return;
            }
            out.write(answer.getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } catch (IOException ignored) {
            // the proxy went away
        }
    }

    private static void readHead(InputStream in) throws IOException {
        int state = 0;
        int c;
        while ((c = in.read()) >= 0) {
            state = c == '\r' && (state == 0 || state == 2) ? state + 1 : c == '\n' && (state == 1 || state == 3) ? state + 1 : 0;
            if (state == 4) {
                return;
            }
        }
        throw new IOException("connection closed before the request head ended");
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
