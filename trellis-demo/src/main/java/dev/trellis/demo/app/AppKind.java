package dev.trellis.demo.app;

/** The demo's services. */
public enum AppKind {
    /** HTTP/1.1 frontend calling catalog and recommend. */
    WEB,
    /** HTTP/1.1 product list, in versions. */
    CATALOG,
    /** gRPC recommendations. */
    RECOMMEND
}
