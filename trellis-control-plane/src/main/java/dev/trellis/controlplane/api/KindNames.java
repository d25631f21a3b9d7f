package dev.trellis.controlplane.api;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** Kinds as users type them: "service", "services", "svc", "httproute", "HTTPRoutes" ... */
final class KindNames {
    /** The kinds ConfigLoader.standard() reads. */
    static final Set<String> BUILT_IN = Set.of("Service", "HTTPRoute", "GRPCRoute", "DestinationPolicy", "DestinationRule", "PeerAuthentication",
            "AuthorizationPolicy", "Telemetry");

    private KindNames() {}

    /** @param known the kinds that exist (as written in YAML) */
    static Optional<String> resolve(String typed, Set<String> known) {
        String t = typed.toLowerCase(Locale.ROOT);
        if (t.equals("svc")) {
            t = "service";
        }
        Set<String> candidates = new LinkedHashSet<>(known);
        candidates.addAll(BUILT_IN);
        for (String kind : candidates) {
            String k = kind.toLowerCase(Locale.ROOT);
            if (t.equals(k) || t.equals(k + "s") || t.equals(k + "es")) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }
}
