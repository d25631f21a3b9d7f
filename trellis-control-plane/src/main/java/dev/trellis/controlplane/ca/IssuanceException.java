package dev.trellis.controlplane.ca;

import java.time.Duration;

/** Why a certificate was not issued; each reason maps to one HTTP status. */
public final class IssuanceException extends RuntimeException {
    public enum Reason {
        /** No token, or a token that is forged, malformed or expired. */
        UNAUTHENTICATED(401),
        /** A valid token asking for an identity it is not bound to. */
        FORBIDDEN(403),
        /** The CSR: unreadable, badly signed, a weak key, a CA request, a SAN that is not the caller's ID. */
        BAD_REQUEST(400),
        RATE_LIMITED(429);

        public final int status;

        Reason(int status) {
            this.status = status;
        }
    }

    private final Reason reason;
    private final Duration retryAfter;

    public IssuanceException(Reason reason, String message) {
        this(reason, message, Duration.ZERO);
    }

    public IssuanceException(Reason reason, String message, Duration retryAfter) {
        super(message);
        this.reason = reason;
        this.retryAfter = retryAfter;
    }

    public Reason reason() {
        return reason;
    }

    /** For {@link Reason#RATE_LIMITED}: when the caller may try again. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
