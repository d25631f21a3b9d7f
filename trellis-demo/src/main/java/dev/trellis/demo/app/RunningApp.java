package dev.trellis.demo.app;

/** A demo service that is serving; closing it stops it. */
public interface RunningApp extends AutoCloseable {

    /** The port it listens on, on the loopback interface. */
    int port();

    @Override
    void close();
}
