package dev.trellis.proxy.config;

import java.util.List;

/**
 * The authorization policies of an inbound listener. DENY policies are checked first: one that matches
 * denies. Then, if there is any ALLOW policy, a request matching none of them is denied. Without policies
 * everything is allowed.
 */
public record Authorization(List<AuthorizationPolicy> policies) {
    public static final Authorization NONE = new Authorization(List.of());

    public Authorization {
        policies = List.copyOf(policies);
    }

    public boolean isEmpty() {
        return policies.isEmpty();
    }
}
