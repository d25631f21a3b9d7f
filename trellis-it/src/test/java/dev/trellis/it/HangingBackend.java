package dev.trellis.it;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test upstream that accepts connections and reads requests but never answers: everything sent to it stays in
 * flight. Counts the connections it accepted and the request heads it read (bodiless requests).
 */
final class HangingBackend implements AutoCloseable {
    final AtomicInteger connections = new AtomicInteger();
    final AtomicInteger requests = new AtomicInteger();
    private final ServerSocket server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    private HangingBackend(ServerSocket server) {
        this.server = server;
    }

    static HangingBackend start() throws IOException {
        HangingBackend b = new HangingBackend(new ServerSocket(0, 256, InetAddress.getLoopbackAddress()));
        Thread acceptor = new Thread(b::accept, "hanging-backend");
        acceptor.setDaemon(true);
        acceptor.start();
        return b;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                sockets.add(s);
                connections.incrementAndGet();
                Thread reader = new Thread(() -> countHeads(s), "hanging-backend-conn");
                reader.setDaemon(true);
                reader.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    /** Counts the ends of request heads (CRLF CRLF) on one connection, and never writes a byte. */
    private void countHeads(Socket s) {
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        try (InputStream in = s.getInputStream()) {
            int c;
            while ((c = in.read()) != -1) {
                matched = c == end[matched] ? matched + 1 : c == '\r' ? 1 : 0;
                if (matched == end.length) {
                    requests.incrementAndGet();
                    matched = 0;
                }
            }
        } catch (IOException e) {
            // the peer went away
        }
    }

    String address() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
