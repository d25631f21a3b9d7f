package dev.trellis.bench.load;

/** Events from a {@link ClientConnection}, all on its event loop. */
interface ExchangeListener {

    /** The connection can take requests. */
    void onReady(ClientConnection connection);

    /** A request finished: a 2xx response arrived in full ({@code ok}), or it failed. */
    void onResponse(long startNanos, boolean ok);

    /** The connection closed; every request it had accepted was already reported. */
    void onClosed(ClientConnection connection);

    /** Connecting failed. */
    void onConnectFailed(Throwable cause);
}
