package dev.trellis.demo;

/** The demo mesh could not start or keep running; the message says why and where to look. */
public final class DemoException extends RuntimeException {
    public DemoException(String message) {
        super(message);
    }

    public DemoException(String message, Throwable cause) {
        super(message, cause);
    }
}
