package dev.trellis.proxy.filter.authz;

/**
 * The outcome for one request.
 *
 * @param policy the policy that decided ("" when no policy did: allowed without policies, or denied for
 *               matching no ALLOW policy)
 * @param reason for the caller and the access log, e.g. "denied by DENY policy block-admin"
 */
public record AuthzDecision(boolean allowed, String policy, String reason) {
    public static final AuthzDecision ALLOWED_NO_POLICY = new AuthzDecision(true, "", "allowed: no policy");

    static AuthzDecision allowedBy(String policy) {
        return new AuthzDecision(true, policy, "allowed by ALLOW policy " + policy);
    }

    static AuthzDecision deniedBy(String policy) {
        return new AuthzDecision(false, policy, "denied by DENY policy " + policy);
    }

    static final AuthzDecision DENIED_NO_MATCH = new AuthzDecision(false, "", "denied: no ALLOW policy matches");
}
