package dev.trellis.proxy.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** Plain TCP servers: an echo server, and a server-first one that greets before the client says anything. */
public final class TcpServers implements AutoCloseable {
    private final ServerSocket socket;

    private TcpServers(String greeting) throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!socket.isClosed()) {
                try {
                    Socket s = socket.accept();
                    Thread h = new Thread(() -> serve(s, greeting));
                    h.setDaemon(true);
                    h.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "tcp-server");
        t.setDaemon(true);
        t.start();
    }

    public static TcpServers echo() throws IOException {
        return new TcpServers(null);
    }

    public static TcpServers serverFirst(String greeting) throws IOException {
        return new TcpServers(greeting);
    }

    private static void serve(Socket s, String greeting) {
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            if (greeting != null) {
                out.write(greeting.getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException ignored) {
            // client went away
        }
    }

    public int port() {
        return socket.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
