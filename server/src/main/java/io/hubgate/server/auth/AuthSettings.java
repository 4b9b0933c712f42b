package io.hubgate.server.auth;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How the gateway authenticates its callers: JWT bearer tokens, client certificates (mTLS) and
 * API keys, any combination. Authentication is on unless {@code disabled}, which only a
 * plaintext loopback gateway may be (the configuration checks): a gateway that can reach a
 * real hub never starts open by accident. On the embedded hub with no JWT issuer configured,
 * the gateway trusts its emulator's issuer with audience {@code api://hubgate}.
 *
 * @param disabled          {@code --insecure-no-auth}: every call runs as the anonymous principal
 * @param jwtIssuers        accepted {@code iss} values, exact (Entra v1 {@code https://sts.windows.net/{tid}/}, v2
 *                          {@code https://login.microsoftonline.com/{tid}/v2.0}); empty: no JWT authentication
 * @param jwtAudiences      accepted {@code aud} values (one match is enough)
 * @param jwksUrl           the issuer's key set, or null to discover it from {@code openIdConfigUrl}
 * @param openIdConfigUrl   the issuer's OpenID metadata, or null for the first issuer's well-known URL
 * @param jwtTenants        allowed {@code tid} values; empty: any tenant the issuers admit
 * @param clockSkew         tolerance for {@code exp} and {@code nbf}
 * @param jwtMaxLifetime    the longest lifetime ({@code exp − iat}, or {@code exp − now} without {@code iat}) a caller token may have
 * @param jwks              how the key set is cached and refreshed
 * @param clientCa          PEM bundle of CAs that sign callers' client certificates, or null for no mTLS
 * @param requireClientCert refuse TLS connections without a client certificate (else it is optional)
 * @param mtlsRoles         roles per certificate identity ({@code uri:…}, {@code dns:…} or {@code cn:…})
 * @param apiKeysFile       JSON file of hashed API keys, or null for no API keys
 * @param protectHealth     health checks and server reflection need an authenticated caller too
 *                          (by default they need none, so probes and tooling work without a token)
 */
public record AuthSettings(boolean disabled, List<String> jwtIssuers, List<String> jwtAudiences, String jwksUrl,
                           String openIdConfigUrl, Set<String> jwtTenants, Duration clockSkew, Duration jwtMaxLifetime, JwksTiming jwks,
                           Path clientCa, boolean requireClientCert, Map<String, Set<String>> mtlsRoles,
                           Path apiKeysFile, boolean protectHealth) {

    /** Tolerated clock difference between the issuer and the gateway: 60 seconds. */
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(60);
    /**
     * The longest-lived caller token accepted: 24 hours. Generous (Entra access tokens live 60–90
     * minutes), and finite: a stolen or mis-issued long-lived token is not honoured for years.
     */
    public static final Duration DEFAULT_JWT_MAX_LIFETIME = Duration.ofHours(24);

    /**
     * Key-set caching.
     *
     * @param cacheTtl           how long a fetched key set is used before it is fetched again
     * @param refreshMinInterval at most about one extra fetch (on an unknown {@code kid}) per this interval
     * @param outageTolerance    how long the last key set keeps serving while the JWKS endpoint fails
     */
    public record JwksTiming(Duration cacheTtl, Duration refreshMinInterval, Duration outageTolerance) {
        /** Cache 5 minutes, refresh on an unknown kid at most every 30 seconds, ride out a 12-hour outage. */
        public static final JwksTiming DEFAULT =
                new JwksTiming(Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofHours(12));

        public JwksTiming {
            Objects.requireNonNull(cacheTtl, "cacheTtl");
            Objects.requireNonNull(refreshMinInterval, "refreshMinInterval");
            Objects.requireNonNull(outageTolerance, "outageTolerance");
        }
    }

    public AuthSettings {
        jwtIssuers = List.copyOf(jwtIssuers);
        jwtAudiences = List.copyOf(jwtAudiences);
        jwtTenants = Set.copyOf(jwtTenants);
        mtlsRoles = Map.copyOf(mtlsRoles);
        Objects.requireNonNull(clockSkew, "clockSkew");
        Objects.requireNonNull(jwks, "jwks");
        if (!jwtIssuers.isEmpty() && jwtAudiences.isEmpty()) {
            throw new IllegalArgumentException("--jwt-issuer needs at least one --jwt-audience");
        }
        if (jwtIssuers.isEmpty() && (!jwtAudiences.isEmpty() || jwksUrl != null || openIdConfigUrl != null
                || !jwtTenants.isEmpty())) {
            throw new IllegalArgumentException("--jwt-audience, --jwks-url, --openid-config-url and --jwt-tenant need --jwt-issuer");
        }
        if (clientCa == null && (requireClientCert || !mtlsRoles.isEmpty())) {
            throw new IllegalArgumentException("--require-client-cert and --mtls-roles need --client-ca");
        }
        if (clockSkew.isNegative()) {
            throw new IllegalArgumentException("--jwt-clock-skew must not be negative");
        }
        Objects.requireNonNull(jwtMaxLifetime, "jwtMaxLifetime");
        if (jwtMaxLifetime.isNegative() || jwtMaxLifetime.isZero()) {
            throw new IllegalArgumentException("--jwt-max-lifetime must be positive");
        }
    }

    /** Authentication on, nothing configured: on the embedded hub, the emulator's issuer is trusted. */
    public static AuthSettings defaults() {
        return new AuthSettings(false, List.of(), List.of(), null, null, Set.of(), DEFAULT_CLOCK_SKEW,
                DEFAULT_JWT_MAX_LIFETIME, JwksTiming.DEFAULT, null, false, Map.of(), null, false);
    }

    /** {@code --insecure-no-auth}. */
    public static AuthSettings insecureNoAuth() {
        return new AuthSettings(true, List.of(), List.of(), null, null, Set.of(), DEFAULT_CLOCK_SKEW,
                DEFAULT_JWT_MAX_LIFETIME, JwksTiming.DEFAULT, null, false, Map.of(), null, false);
    }

    public boolean jwtConfigured() {
        return !jwtIssuers.isEmpty();
    }

    /** True when at least one kind of caller credential is configured. */
    public boolean anyConfigured() {
        return jwtConfigured() || clientCa != null || apiKeysFile != null;
    }

    public AuthSettings withJwt(List<String> issuers, List<String> audiences, String keySetUrl) {
        return new AuthSettings(disabled, issuers, audiences, keySetUrl, null, jwtTenants, clockSkew, jwtMaxLifetime, jwks, clientCa,
                requireClientCert, mtlsRoles, apiKeysFile, protectHealth);
    }

    public AuthSettings withJwtTenants(Set<String> tenants) {
        return new AuthSettings(disabled, jwtIssuers, jwtAudiences, jwksUrl, openIdConfigUrl, tenants, clockSkew, jwtMaxLifetime, jwks,
                clientCa, requireClientCert, mtlsRoles, apiKeysFile, protectHealth);
    }

    public AuthSettings withJwtMaxLifetime(Duration maxLifetime) {
        return new AuthSettings(disabled, jwtIssuers, jwtAudiences, jwksUrl, openIdConfigUrl, jwtTenants, clockSkew, maxLifetime,
                jwks, clientCa, requireClientCert, mtlsRoles, apiKeysFile, protectHealth);
    }

    public AuthSettings withJwksTiming(JwksTiming timing) {
        return new AuthSettings(disabled, jwtIssuers, jwtAudiences, jwksUrl, openIdConfigUrl, jwtTenants, clockSkew, jwtMaxLifetime, timing,
                clientCa, requireClientCert, mtlsRoles, apiKeysFile, protectHealth);
    }

    public AuthSettings withClientCertificates(Path ca, boolean required, Map<String, Set<String>> roles) {
        return new AuthSettings(disabled, jwtIssuers, jwtAudiences, jwksUrl, openIdConfigUrl, jwtTenants, clockSkew, jwtMaxLifetime, jwks,
                ca, required, roles, apiKeysFile, protectHealth);
    }

    /** Health and reflection need an authenticated caller too. */
    public AuthSettings withProtectedHealth(boolean protect) {
        return new AuthSettings(disabled, jwtIssuers, jwtAudiences, jwksUrl, openIdConfigUrl, jwtTenants, clockSkew, jwtMaxLifetime, jwks,
                clientCa, requireClientCert, mtlsRoles, apiKeysFile, protect);
    }

    public AuthSettings withApiKeys(Path file) {
        return new AuthSettings(disabled, jwtIssuers, jwtAudiences, jwksUrl, openIdConfigUrl, jwtTenants, clockSkew, jwtMaxLifetime, jwks,
                clientCa, requireClientCert, mtlsRoles, file, protectHealth);
    }
}
