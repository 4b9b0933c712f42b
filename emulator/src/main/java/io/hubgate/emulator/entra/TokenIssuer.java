package io.hubgate.emulator.entra;

import com.nimbusds.jwt.JWTClaimsSet;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Mints Entra-shaped v2.0 app-only access tokens: RS256 with the current {@link SigningKeys} key,
 * claims {@code iss} ({@code <authority>/<tenant>/v2.0}), {@code aud}, {@code tid}, {@code oid},
 * {@code sub}, {@code appid}, {@code azp}, {@code roles} (the app roles the principal holds on the
 * audience's application; never for IoT Hub, whose access comes from role assignments),
 * {@code iat}/{@code nbf}/{@code exp}, {@code ver}, {@code uti} and {@code jti}.
 *
 * <p>It checks no credentials: callers authenticate the client first. Thread-safe.
 */
public final class TokenIssuer {

    /** How long tokens live unless told otherwise: 75 minutes, inside Entra's 60–90 minute range. */
    public static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(75);
    /** Backdating of {@code iat}/{@code nbf}, as Entra does, so a slightly slow verifier clock accepts a new token. */
    public static final Duration BACKDATE = Duration.ofMinutes(5);

    private final String issuer;
    private final EntraDirectory directory;
    private final SigningKeys keys;
    private final Duration lifetime;
    private final Clock clock;

    /** A token and when it stops being valid. */
    public record IssuedToken(String accessToken, String audience, Instant expiresOn, Duration lifetime) {
        @Override
        public String toString() {
            return "IssuedToken[audience " + audience + ", expires " + expiresOn + "]";
        }
    }

    public TokenIssuer(String issuer, EntraDirectory directory, SigningKeys keys, Duration lifetime, Clock clock) {
        if (lifetime.isNegative() || lifetime.isZero()) {
            throw new IllegalArgumentException("a token lifetime must be positive, not " + lifetime);
        }
        this.issuer = issuer;
        this.directory = directory;
        this.keys = keys;
        this.lifetime = lifetime;
        this.clock = clock;
    }

    /** The {@code iss} of every token: {@code <authority>/<tenant>/v2.0}. */
    public String issuer() {
        return issuer;
    }

    public Duration lifetime() {
        return lifetime;
    }

    /** A token for {@code /.default} scope {@code scope}, with the default lifetime. */
    IssuedToken issueForScope(EntraPrincipal principal, String scope) {
        return issue(principal, Audiences.fromScope(scope, directory), lifetime);
    }

    /** A token for a resource ({@code https://iothubs.azure.net}, {@code api://hubgate} …). */
    IssuedToken issueForResource(EntraPrincipal principal, String resource, Duration tokenLifetime) {
        return issue(principal, Audiences.fromResource(resource, directory), tokenLifetime == null ? lifetime : tokenLifetime);
    }

    IssuedToken issue(EntraPrincipal principal, Audiences.Audience audience, Duration tokenLifetime) {
        Instant now = clock.instant();
        Instant expiry = now.plus(tokenLifetime);
        String tokenId = UUID.randomUUID().toString();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .audience(audience.value())
                .subject(principal.objectId())
                .issueTime(Date.from(now.minus(BACKDATE)))
                .notBeforeTime(Date.from(now.minus(BACKDATE)))
                .expirationTime(Date.from(expiry))
                .jwtID(tokenId)
                .claim("tid", directory.tenantId())
                .claim("oid", principal.objectId())
                .claim("appid", principal.clientId())
                .claim("azp", principal.clientId())
                .claim("idtyp", "app")
                .claim("ver", "2.0")
                .claim("uti", tokenId);
        audience.application().ifPresent(resource -> {
            Set<String> roles = directory.appRolesOf(principal.objectId(), resource);
            if (!roles.isEmpty()) {
                claims.claim("roles", List.copyOf(roles));
            }
        });
        return new IssuedToken(keys.sign(claims.build()), audience.value(), expiry, tokenLifetime);
    }

    /**
     * Signs whatever claims it is given with the issuer's current key. For tests that need a
     * correctly signed token with wrong claims (expired, another audience, another issuer).
     */
    public String signArbitrary(JWTClaimsSet claims) {
        return keys.sign(claims);
    }
}
