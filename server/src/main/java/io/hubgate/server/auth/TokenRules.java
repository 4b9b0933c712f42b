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
 * not past, {@code nbf} and {@code iat} not ahead (all with the clock skew), {@code iss} one of the trusted
 * issuers, one {@code aud} accepted, and {@code tid} allowed when a tenant list is set. Each
 * refusal is a {@link Violation} whose message is fixed text, never a claim value. Immutable.
 */
record TokenRules(Set<String> issuers, Set<String> audiences, Set<String> tenants, Duration clockSkew, Clock clock)
        implements JWTClaimsSetVerifier<SecurityContext> {

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

    /** Placeholder until the rule exists. */
    static final Duration DEFAULT_MAX_LIFETIME = Duration.ofHours(24);

    TokenRules {
        issuers = Set.copyOf(issuers);
        audiences = Set.copyOf(audiences);
        tenants = Set.copyOf(tenants);
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
}
