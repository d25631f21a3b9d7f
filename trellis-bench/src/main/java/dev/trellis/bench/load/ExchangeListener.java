package dev.trellis.bench.load;

/** Events from a {@link ClientConnection}, all on its event loop. */
interface ExchangeListener {

    /** The connection can take requests. */
    void onReady(ClientConnection connection);

    /**
     * A request finished: its response arrived in full, or it failed.
     *
     * @param outcome the response status, or a negative {@link Outcome} code
     */
    void onResponse(long startNanos, int outcome);

    /** The connection closed; every request it had accepted was already reported. */
    void onClosed(ClientConnection connection);

    /** Connecting failed. */
    void onConnectFailed(Throwable cause);
}
