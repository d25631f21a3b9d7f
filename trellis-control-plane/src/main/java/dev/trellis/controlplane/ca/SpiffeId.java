package dev.trellis.controlplane.ca;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A workload identity: {@code spiffe://<trust-domain>/ns/<namespace>/sa/<service-account>}. Locally a
 * Service's name stands for its account.
 */
public record SpiffeId(String trustDomain, String namespace, String serviceAccount) {
    private static final Pattern TRUST_DOMAIN = Pattern.compile("^[a-z0-9._-]{1,255}$");
    private static final Pattern SEGMENT = Pattern.compile("^[A-Za-z0-9._-]{1,253}$");

    public SpiffeId {
        Objects.requireNonNull(trustDomain, "trustDomain");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(serviceAccount, "serviceAccount");
        if (!TRUST_DOMAIN.matcher(trustDomain).matches()) {
            throw new IllegalArgumentException("trust domain: " + trustDomain + " (expected: lower-case letters, digits, '.', '-', '_')");
        }
        if (!SEGMENT.matcher(namespace).matches() || namespace.equals(".") || namespace.equals("..")) {
            throw new IllegalArgumentException("namespace: " + namespace + " (expected: letters, digits, '.', '-', '_')");
        }
        if (!SEGMENT.matcher(serviceAccount).matches() || serviceAccount.equals(".") || serviceAccount.equals("..")) {
            throw new IllegalArgumentException("service account: " + serviceAccount + " (expected: letters, digits, '.', '-', '_')");
        }
    }

    /** @throws IllegalArgumentException when {@code uri} is not a Trellis workload SPIFFE ID */
    public static SpiffeId parse(String uri) {
        URI u;
        try {
            u = new URI(uri);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("SPIFFE ID: " + uri + " (expected: spiffe://<trust-domain>/ns/<namespace>/sa/<account>)");
        }
        String[] path = u.getRawPath() == null ? new String[0] : u.getRawPath().split("/", -1);
        if (!"spiffe".equals(u.getScheme()) || u.getRawAuthority() == null || u.getRawQuery() != null
                || u.getRawFragment() != null || u.getRawUserInfo() != null || u.getPort() != -1
                || path.length != 5 || !path[0].isEmpty() || !path[1].equals("ns") || !path[3].equals("sa")) {
            throw new IllegalArgumentException("SPIFFE ID: " + uri + " (expected: spiffe://<trust-domain>/ns/<namespace>/sa/<account>)");
        }
        return new SpiffeId(u.getRawAuthority(), path[2], path[4]);
    }

    public String uri() {
        return "spiffe://" + trustDomain + "/ns/" + namespace + "/sa/" + serviceAccount;
    }

    @Override
    public String toString() {
        return uri();
    }
}
