package dev.trellis.config.dns;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns a DNS name into IP literals. Blocking: call it only from a thread meant to wait (never an event
 * loop or a gRPC thread). Tests inject a map instead of the system resolver.
 */
@FunctionalInterface
public interface HostResolver {

    /**
     * @return the name's addresses as IP literals, IPv4 first when there are any (as Envoy's
     *         V4_PREFERRED lookup family); never empty
     * @throws UnknownHostException when the name does not resolve
     */
    List<String> resolve(String host) throws UnknownHostException;

    /** The JVM's resolver (which caches answers for {@code networkaddress.cache.ttl} seconds). */
    static HostResolver system() {
        return host -> preferV4(InetAddress.getAllByName(host));
    }

    /** Only the IPv4 addresses when there are any, else the IPv6 ones; in answer order, without duplicates. */
    static List<String> preferV4(InetAddress[] addresses) {
        Set<String> v4 = new LinkedHashSet<>();
        Set<String> v6 = new LinkedHashSet<>();
        for (InetAddress a : addresses) {
            (a.getAddress().length == 4 ? v4 : v6).add(a.getHostAddress());
        }
        return new ArrayList<>(v4.isEmpty() ? v6 : v4);
    }
}
