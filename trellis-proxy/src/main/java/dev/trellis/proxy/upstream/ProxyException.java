package dev.trellis.proxy.upstream;

/** A failure the proxy answers with a typed {@link ProxyError}. */
public final class ProxyException extends RuntimeException {
    private final ProxyError error;

    public ProxyException(ProxyError error, String message, Throwable cause) {
        super(message, cause, false, false);
        this.error = error;
    }

    public ProxyError error() {
        return error;
    }
}
