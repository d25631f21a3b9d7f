package dev.trellis.config.resource;

import java.util.Locale;

/** What a Service's instances speak. */
public enum Protocol {
    HTTP, HTTP2, GRPC, TCP;

    /** As written in YAML: "http", "http2", "grpc", "tcp". */
    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean isHttp() {
        return this != TCP;
    }

    /** HTTP/2 to the application itself (gRPC is HTTP/2). */
    public boolean isHttp2() {
        return this == HTTP2 || this == GRPC;
    }
}
