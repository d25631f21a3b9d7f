package dev.trellis.config.resource;

import java.util.Locale;

/** The gRPC status codes, by number and by name ("unavailable" or "UNAVAILABLE"). */
public enum GrpcCode {
    OK, CANCELLED, UNKNOWN, INVALID_ARGUMENT, DEADLINE_EXCEEDED, NOT_FOUND, ALREADY_EXISTS, PERMISSION_DENIED,
    RESOURCE_EXHAUSTED, FAILED_PRECONDITION, ABORTED, OUT_OF_RANGE, UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS,
    UNAUTHENTICATED;

    /** The code on the wire (grpc-status). */
    public int value() {
        return ordinal();
    }

    /** Lower case with '-', as in Envoy's retry_on: "deadline-exceeded". */
    public String envoyName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Envoy retries on these five only (its retry_on gRPC conditions). */
    public boolean retriable() {
        return this == CANCELLED || this == DEADLINE_EXCEEDED || this == INTERNAL || this == RESOURCE_EXHAUSTED
                || this == UNAVAILABLE;
    }

    /** "unavailable", "UNAVAILABLE", "deadline_exceeded", "deadline-exceeded" or the number "14"; null when none. */
    public static GrpcCode parse(String text) {
        if (text.matches("[0-9]{1,2}")) {
            return of(Integer.parseInt(text));
        }
        String name = text.toUpperCase(Locale.ROOT).replace('-', '_');
        for (GrpcCode c : values()) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        return null;
    }

    /** null when the number is no gRPC code. */
    public static GrpcCode of(int value) {
        return value >= 0 && value < values().length ? values()[value] : null;
    }
}
