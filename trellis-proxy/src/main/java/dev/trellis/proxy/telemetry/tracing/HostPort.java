package dev.trellis.proxy.telemetry.tracing;

/**
 * An authority ("catalog:8080", "[::1]:4143", "web") split into host and port, for the server.* and
 * network.peer.* attributes.
 *
 * @param port -1 when none is written (or it is not a number)
 */
record HostPort(String host, int port) {

    static HostPort parse(String authority) {
        if (authority == null || authority.isEmpty()) {
            return null;
        }
        int colon = authority.lastIndexOf(':');
        boolean bracketed = authority.startsWith("[");
        int close = authority.indexOf(']');
        if (bracketed && close > 0) {
            String host = authority.substring(1, close);
            return new HostPort(host, colon > close ? port(authority.substring(colon + 1)) : -1);
        }
        if (colon < 0 || authority.indexOf(':') != colon) {
            return new HostPort(authority, -1); // a name, or an IPv6 literal without brackets
        }
        return new HostPort(authority.substring(0, colon), port(authority.substring(colon + 1)));
    }

    private static int port(String s) {
        try {
            int p = Integer.parseInt(s);
            return p > 0 && p <= 65535 ? p : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
