package dev.trellis.bench.jmh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One keep-alive HTTP/1.1 connection that sends the same pre-encoded POST and reads a Content-Length response into
 * a reused buffer: the client side of a benchmark, allocating nothing per call so it adds nothing to the count.
 */
final class BlockingHttpClient implements AutoCloseable {
    private static final byte[] CONTENT_LENGTH = "content-length:".getBytes(StandardCharsets.US_ASCII);

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final byte[] request;
    private final byte[] buffer = new byte[64 * 1024];

    private BlockingHttpClient(Socket socket, byte[] request) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = socket.getInputStream();
        this.request = request;
    }

    static BlockingHttpClient connect(int port, String host, int bodyBytes) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setTcpNoDelay(true);
        byte[] head = ("POST / HTTP/1.1\r\nhost: " + host + "\r\ncontent-type: application/octet-stream\r\ncontent-length: "
                + bodyBytes + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] request = Arrays.copyOf(head, head.length + bodyBytes);
        Arrays.fill(request, head.length, request.length, (byte) 'x');
        return new BlockingHttpClient(socket, request);
    }

    /** Sends the request and reads the whole response; returns its status code. */
    int call() throws IOException {
        out.write(request);
        out.flush();
        int filled = 0;
        int headEnd = -1;
        while (headEnd < 0) {
            int n = in.read(buffer, filled, buffer.length - filled);
            if (n < 0) {
                throw new IOException("connection closed before the response head");
            }
            filled += n;
            headEnd = indexOfHeadEnd(buffer, filled);
        }
        int status = (buffer[9] - '0') * 100 + (buffer[10] - '0') * 10 + (buffer[11] - '0');
        int length = contentLength(buffer, headEnd);
        if (length < 0) {
            throw new IOException("response without content-length (status " + status + ")");
        }
        int remaining = headEnd + length - filled;
        while (remaining > 0) {
            int n = in.read(buffer, 0, Math.min(buffer.length, remaining));
            if (n < 0) {
                throw new IOException("connection closed inside the response body");
            }
            remaining -= n;
        }
        if (status != 200) {
            throw new IOException("status " + status);
        }
        return status;
    }

    /** The offset just after the blank line that ends the head, or -1. */
    private static int indexOfHeadEnd(byte[] b, int len) {
        for (int i = 3; i < len; i++) {
            if (b[i] == '\n' && b[i - 1] == '\r' && b[i - 2] == '\n' && b[i - 3] == '\r') {
                return i + 1;
            }
        }
        return -1;
    }

    private static int contentLength(byte[] b, int headEnd) {
        outer:
        for (int i = 0; i + CONTENT_LENGTH.length < headEnd; i++) {
            if (i > 0 && b[i - 1] != '\n') {
                continue;
            }
            for (int j = 0; j < CONTENT_LENGTH.length; j++) {
                if (Character.toLowerCase(b[i + j]) != CONTENT_LENGTH[j]) {
                    continue outer;
                }
            }
            int v = 0;
            for (int k = i + CONTENT_LENGTH.length; k < headEnd && b[k] != '\r'; k++) {
                if (b[k] >= '0' && b[k] <= '9') {
                    v = v * 10 + (b[k] - '0');
                }
            }
            return v;
        }
        return -1;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
