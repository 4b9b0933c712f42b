package io.hubgate.server.auth;

import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.JWTClaimsSetVerifier;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Set;

/**
 * The claim checks of a caller's token, after its signature verified: {@code exp} required and
 * not past, {@code nbf} and {@code iat} not ahead (all with the clock skew), a lifetime of at most
 * {@code maxLifetime}, {@code iss} one of the trusted
 * issuers, one {@code aud} accepted, and {@code tid} allowed when a tenant list is set. Each
 * refusal is a {@link Violation} whose message is fixed text, never a claim value. Immutable.
 *
 * <p>Why a maximum lifetime: Entra access tokens live 60–90 minutes (up to about 28 hours with
 * continuous access evaluation), so a token meant to live for years was mis-issued or minted with
 * a stolen signing key, and a stolen long-lived token must not be honoured for years. The lifetime
 * is {@code exp − iat}, both the issuer's clock; without {@code iat} it is {@code exp − now}, with
 * the clock skew allowed. {@link VerifiedTokens} keeps an entry until the token's {@code exp}, so
 * a token accepted here is never served from the cache past this bound either.
 */
record TokenRules(Set<String> issuers, Set<String> audiences, Set<String> tenants, Duration clockSkew, Duration maxLifetime,
                  Clock clock) implements JWTClaimsSetVerifier<SecurityContext> {

    /** A refused claim; the message is safe to show. */
    static final class Violation extends BadJWTException {
        private final AuthenticationFailure.Reason reason;

        Violation(String message) {
            this(AuthenticationFailure.Reason.TOKEN_INVALID, message);
        }

        Violation(AuthenticationFailure.Reason reason, String message) {
            super(message);
            this.reason = reason;
        }

        AuthenticationFailure.Reason reason() {
            return reason;
        }
    }

    /** The longest lifetime accepted unless configured: 24 hours (an Entra access token lives 60–90 minutes). */
    static final Duration DEFAULT_MAX_LIFETIME = AuthSettings.DEFAULT_JWT_MAX_LIFETIME;

    TokenRules {
        issuers = Set.copyOf(issuers);
        audiences = Set.copyOf(audiences);
        tenants = Set.copyOf(tenants);
    }

    /** With the {@linkplain #DEFAULT_MAX_LIFETIME default maximum lifetime}. */
    TokenRules(Set<String> issuers, Set<String> audiences, Set<String> tenants, Duration clockSkew, Clock clock) {
        this(issuers, audiences, tenants, clockSkew, DEFAULT_MAX_LIFETIME, clock);
    }

    @Override
    public void verify(JWTClaimsSet claims, SecurityContext context) throws BadJWTException {
        Instant now = clock.instant();
        Date expiry = claims.getExpirationTime();
        if (expiry == null) {
            throw new Violation("the token has no expiry (exp)");
        }
        if (!now.minus(clockSkew).isBefore(expiry.toInstant())) {
            throw new Violation(AuthenticationFailure.Reason.TOKEN_EXPIRED, "the token has expired");
        }
        Date notBefore = claims.getNotBeforeTime();
        if (notBefore != null && notBefore.toInstant().isAfter(now.plus(clockSkew))) {
            throw new Violation("the token is not valid yet (nbf)");
        }
        Date issued = claims.getIssueTime();
        if (issued != null && issued.toInstant().isAfter(now.plus(clockSkew))) {
            throw new Violation("the token was issued in the future (iat)");
        }
        Duration lifetime = issued != null ? Duration.between(issued.toInstant(), expiry.toInstant())
                : Duration.between(now, expiry.toInstant()).minus(clockSkew);
        if (lifetime.compareTo(maxLifetime) > 0) {
            throw new Violation(AuthenticationFailure.Reason.TOKEN_LIFETIME_TOO_LONG, "the token lives longer than this gateway"
                    + " accepts (exp at most " + describe(maxLifetime) + " after iat, or after now without iat)");
        }
        if (claims.getIssuer() == null || !issuers.contains(claims.getIssuer())) {
            throw new Violation("the token's issuer is not trusted");
        }
        if (claims.getAudience().stream().noneMatch(audiences::contains)) {
            throw new Violation("the token is not for this gateway (aud)");
        }
        if (!tenants.isEmpty() && !(claims.getClaim("tid") instanceof String tenant && tenants.contains(tenant))) {
            throw new Violation("the token's tenant is not allowed");
        }
    }

    /** "24h", "90m", "45s": the configured bound as an operator wrote it, for the refusal's message. */
    static String describe(Duration duration) {
        long seconds = duration.toSeconds();
        if (seconds % 3600 == 0) {
            return seconds / 3600 + "h";
        }
        return seconds % 60 == 0 ? seconds / 60 + "m" : seconds + "s";
    }
}
