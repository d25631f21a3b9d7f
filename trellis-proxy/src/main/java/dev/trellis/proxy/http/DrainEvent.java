package dev.trellis.proxy.http;

/** Fired through every accepted channel when the proxy starts draining. */
public final class DrainEvent {
    public static final DrainEvent INSTANCE = new DrainEvent();

    private DrainEvent() {
    }
}
