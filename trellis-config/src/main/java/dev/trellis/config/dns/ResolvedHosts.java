package dev.trellis.config.dns;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The last good addresses of the DNS names that Service endpoints use, as one immutable value. A name
 * without an entry (not resolved yet, or never successfully) is left to the proxy, which resolves it
 * when it connects.
 *
 * @param addresses name (lower case) to its IP literals, each list non-empty
 */
public record ResolvedHosts(Map<String, List<String>> addresses) {
    public static final ResolvedHosts NONE = new ResolvedHosts(Map.of());

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    public ResolvedHosts {
        Map<String, List<String>> copy = new HashMap<>();
        addresses.forEach((host, list) -> {
            if (list.isEmpty()) {
                throw new IllegalArgumentException("addresses of " + host + ": [] (expected: at least one)");
            }
            copy.put(host, List.copyOf(list));
        });
        addresses = Map.copyOf(copy);
    }

    /** What an endpoint host stands for: itself when it is an IP literal or unresolved, else its addresses. */
    public List<String> expand(String host) {
        if (isIpLiteral(host)) {
            return List.of(host);
        }
        return addresses.getOrDefault(host, List.of(host));
    }

    /** An IPv4 dotted quad or an IPv6 literal (hosts are stored without brackets): not for DNS. */
    public static boolean isIpLiteral(String host) {
        return host.indexOf(':') >= 0 || IPV4.matcher(host).matches();
    }
}
