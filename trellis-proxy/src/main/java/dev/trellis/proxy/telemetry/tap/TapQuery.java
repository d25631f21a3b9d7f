package dev.trellis.proxy.telemetry.tap;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import java.util.Map;

/**
 * What one tap subscriber asked for: when to stop and which requests to see.
 *
 * @param max        stop after this many events; 0 for no limit
 * @param seconds    stop after this many seconds (1 to {@value #MAX_SECONDS})
 * @param direction  "inbound" or "outbound", or null for both
 * @param method     only this method (any case), or null
 * @param pathPrefix only request targets starting with this, or null
 * @param authority  only this authority (any case), or null
 */
public record TapQuery(int max, int seconds, String direction, String method, String pathPrefix, String authority) {
    public static final int DEFAULT_SECONDS = 30;
    public static final int MAX_SECONDS = 600;

    public TapQuery {
        if (max < 0) {
            throw new IllegalArgumentException("max: " + max + " (expected: > 0)");
        }
        if (seconds < 1 || seconds > MAX_SECONDS) {
            throw new IllegalArgumentException("seconds: " + seconds + " (expected: 1 to " + MAX_SECONDS + ")");
        }
        if (direction != null && !direction.equals("inbound") && !direction.equals("outbound")) {
            throw new IllegalArgumentException("direction: " + direction + " (expected: inbound or outbound)");
        }
    }

    /** Reads {@code max}, {@code seconds}, {@code direction}, {@code method}, {@code path_prefix}, {@code authority}. */
    public static TapQuery parse(String uri) {
        Map<String, List<String>> p = new QueryStringDecoder(uri).parameters();
        for (String name : p.keySet()) {
            if (!List.of("max", "seconds", "direction", "method", "path_prefix", "authority").contains(name)) {
                throw new IllegalArgumentException(name + ": unknown parameter (expected: max, seconds, direction, method, "
                        + "path_prefix or authority)");
            }
        }
        String max = one(p, "max");
        String seconds = one(p, "seconds");
        int maxEvents = max == null ? 0 : positive("max", max);
        return new TapQuery(maxEvents, seconds == null ? DEFAULT_SECONDS : number("seconds", seconds),
                one(p, "direction"), one(p, "method"), one(p, "path_prefix"), one(p, "authority"));
    }

    /** Whether a request with this head is one the subscriber wants. */
    public boolean matches(String direction, String method, String authority, String path) {
        return (this.direction == null || this.direction.equals(direction))
                && (this.method == null || this.method.equalsIgnoreCase(method))
                && (this.authority == null || this.authority.equalsIgnoreCase(authority))
                && (this.pathPrefix == null || path != null && path.startsWith(this.pathPrefix));
    }

    private static String one(Map<String, List<String>> params, String name) {
        List<String> values = params.get(name);
        if (values == null || values.isEmpty() || values.get(0).isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw new IllegalArgumentException(name + ": " + values + " (expected: one value)");
        }
        return values.get(0);
    }

    private static int positive(String name, String value) {
        int n = number(name, value);
        if (n <= 0) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
        }
        return n;
    }

    private static int number(String name, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: a whole number)");
        }
    }
}
