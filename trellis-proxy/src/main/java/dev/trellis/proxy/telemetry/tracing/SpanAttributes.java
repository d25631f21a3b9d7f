package dev.trellis.proxy.telemetry.tracing;

import io.opentelemetry.api.common.AttributeKey;

/** The attributes of the proxy's spans: OpenTelemetry's HTTP and RPC semantic conventions, and Trellis's own. */
final class SpanAttributes {
    static final AttributeKey<String> HTTP_REQUEST_METHOD = AttributeKey.stringKey("http.request.method");
    static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");
    static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
    static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
    static final AttributeKey<Long> HTTP_RESPONSE_STATUS_CODE = AttributeKey.longKey("http.response.status_code");
    static final AttributeKey<String> RPC_SYSTEM = AttributeKey.stringKey("rpc.system");
    static final AttributeKey<Long> RPC_GRPC_STATUS_CODE = AttributeKey.longKey("rpc.grpc.status_code");
    static final AttributeKey<String> PEER_SERVICE = AttributeKey.stringKey("peer.service");
    static final AttributeKey<String> NETWORK_PEER_ADDRESS = AttributeKey.stringKey("network.peer.address");
    static final AttributeKey<Long> NETWORK_PEER_PORT = AttributeKey.longKey("network.peer.port");
    static final AttributeKey<String> TRELLIS_DIRECTION = AttributeKey.stringKey("trellis.direction");
    static final AttributeKey<String> TRELLIS_DST_SERVICE = AttributeKey.stringKey("trellis.dst_service");
    static final AttributeKey<String> TRELLIS_ROUTE = AttributeKey.stringKey("trellis.route");
    static final AttributeKey<String> TRELLIS_CLUSTER = AttributeKey.stringKey("trellis.cluster");
    static final AttributeKey<String> TRELLIS_ERROR = AttributeKey.stringKey("trellis.error");
    static final AttributeKey<Long> TRELLIS_ATTEMPTS = AttributeKey.longKey("trellis.attempts");
    /** The "retry" event's attributes. */
    static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("attempt");
    static final AttributeKey<String> REASON = AttributeKey.stringKey("reason");

    private SpanAttributes() {
    }
}
