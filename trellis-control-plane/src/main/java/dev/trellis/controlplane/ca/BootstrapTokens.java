package dev.trellis.controlplane.ca;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Bootstrap tokens: how a proxy proves, before it has a certificate, which one identity it may obtain a
 * certificate for. A token is {@code trellis1.<payload>.<mac>}: the payload (base64url JSON: sub = the
 * SPIFFE ID, iat, exp) signed with HMAC-SHA256 under the CA's token key. Anyone holding the token can act
 * as that identity, and only as that one.
 */
public final class BootstrapTokens {
    static final String PREFIX = "trellis1.";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final byte[] key;
    private final Clock clock;

    public BootstrapTokens(byte[] key, Clock clock) {
        if (key.length < 32) {
            throw new IllegalArgumentException("token key: " + key.length + " bytes (expected: >= 32)");
        }
        this.key = key.clone();
        this.clock = clock;
    }

    /** The claims of a verified token. */
    public record Claims(SpiffeId identity, Instant issuedAt, Instant expiresAt) {}

    public String create(SpiffeId identity, Duration ttl) {
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl: " + ttl + " (expected: > 0)");
        }
        Instant now = clock.instant();
        ObjectNode payload = JSON.createObjectNode()
                .put("sub", identity.uri())
                .put("iat", now.getEpochSecond())
                .put("exp", now.plus(ttl).getEpochSecond());
        String body = PREFIX + B64.encodeToString(payload.toString().getBytes(StandardCharsets.UTF_8));
        return body + "." + B64.encodeToString(mac(body));
    }

    /** @throws IssuanceException UNAUTHENTICATED when the token is malformed, forged or expired */
    public Claims verify(String token) {
        if (token == null || !token.startsWith(PREFIX)) {
            throw unauthenticated("not a Trellis bootstrap token (expected: trellis1.<payload>.<mac>)");
        }
        int dot = token.lastIndexOf('.');
        if (dot <= PREFIX.length()) {
            throw unauthenticated("malformed (expected: trellis1.<payload>.<mac>)");
        }
        String body = token.substring(0, dot);
        byte[] given;
        try {
            given = Base64.getUrlDecoder().decode(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            throw unauthenticated("malformed signature");
        }
        if (!MessageDigest.isEqual(mac(body), given)) {
            throw unauthenticated("bad signature (a token from another CA, or altered)");
        }
        try {
            JsonNode p = JSON.readTree(Base64.getUrlDecoder().decode(body.substring(PREFIX.length())));
            SpiffeId id = SpiffeId.parse(p.path("sub").asText());
            Instant iat = Instant.ofEpochSecond(p.path("iat").asLong());
            Instant exp = Instant.ofEpochSecond(p.path("exp").asLong());
            if (!clock.instant().isBefore(exp)) {
                throw unauthenticated("expired at " + exp);
            }
            return new Claims(id, iat, exp);
        } catch (IssuanceException e) {
            throw e;
        } catch (Exception e) {
            throw unauthenticated("malformed payload");
        }
    }

    private byte[] mac(String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(body.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private static IssuanceException unauthenticated(String why) {
        return new IssuanceException(IssuanceException.Reason.UNAUTHENTICATED, "bootstrap token: " + why);
    }
}
