package io.hubgate.server.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.grpc.Metadata;

import javax.net.ssl.SSLSession;
import java.io.IOException;
import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Authenticates {@code authorization: Bearer <jwt>} with nimbus-jose-jwt: the signature against
 * the issuer's JWKS (cached, refreshed on an unknown {@code kid} with a rate limit, and served
 * from cache through an outage of the JWKS endpoint), only {@link #ALGORITHMS}, then
 * {@link TokenRules}. Thread-safe.
 *
 * <p>The principal: subject {@code oid} (else {@code sub}), app id {@code azp} (else
 * {@code appid}), tenant {@code tid}, roles the {@code roles} claim plus each delegated scope of
 * {@code scp} as {@code scp:<scope>}, so a scope can never pass for an app role of the same name.
 *
 * <p>A token that verified is remembered by its exact text until its {@code exp} (see
 * {@link VerifiedTokens}): callers send the same token on every call, and verifying it again
 * (RSA, base64, JSON) was most of the gateway's own CPU per call.
 */
final class JwtAuthenticator implements CallerAuthenticator {

    /** Asymmetric algorithms only: never {@code none}, never HMAC (whose "secret" could be a public key). */
    public static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.PS256, JWSAlgorithm.ES256);
    /** Prefix of roles that come from the {@code scp} claim. */
    public static final String SCOPE_PREFIX = "scp:";
    /** JWKS and OpenID metadata fetches: connect 2 s, read 5 s, at most 512 KiB. */
    static final int CONNECT_TIMEOUT_MS = 2_000;
    static final int READ_TIMEOUT_MS = 5_000;
    static final int SIZE_LIMIT_BYTES = 512 * 1024;

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final KeySelector keySelector;
    private final JWKSource<SecurityContext> keys;
    private final VerifiedTokens verified;

    JwtAuthenticator(JWKSource<SecurityContext> keys, TokenRules rules) {
        this(keys, rules, VerifiedTokens.DEFAULT_MAX_ENTRIES);
    }

    /** @param maxCachedTokens verified tokens remembered at most (0: none, every call verifies in full) */
    JwtAuthenticator(JWKSource<SecurityContext> keys, TokenRules rules, int maxCachedTokens) {
        this.keys = keys;
        this.keySelector = new KeySelector(keys);
        this.verified = maxCachedTokens > 0 ? new VerifiedTokens(rules.clock(), maxCachedTokens) : null;
        processor.setJWSKeySelector(keySelector);
        processor.setJWTClaimsSetVerifier(rules);
    }

    /** The selector that verification uses, with its key matcher reachable for the cache. */
    private static final class KeySelector extends JWSVerificationKeySelector<SecurityContext> {
        KeySelector(JWKSource<SecurityContext> keys) {
            super(ALGORITHMS, keys);
        }

        JWKMatcher matcherFor(JWSHeader header) {
            return createJWKMatcher(header);
        }
    }

    /** From the settings: the key set at {@code jwksUrl}, or the one the OpenID metadata names. */
    public static JwtAuthenticator fromSettings(AuthSettings settings, Clock clock) throws IOException {
        return fromSettings(settings, clock, new JwksRefreshes());
    }

    /** As {@link #fromSettings(AuthSettings, Clock)}, the key set's refreshes counted by {@code refreshes}. */
    public static JwtAuthenticator fromSettings(AuthSettings settings, Clock clock, JwksRefreshes refreshes) throws IOException {
        DefaultResourceRetriever retriever = new DefaultResourceRetriever(CONNECT_TIMEOUT_MS, READ_TIMEOUT_MS, SIZE_LIMIT_BYTES);
        String jwksUrl = settings.jwksUrl() != null ? settings.jwksUrl() : discoverJwksUrl(settings, retriever);
        AuthSettings.JwksTiming timing = settings.jwks();
        JWKSource<SecurityContext> keys = JWKSourceBuilder.<SecurityContext>create(URI.create(jwksUrl).toURL(), retriever)
                .cache(timing.cacheTtl().toMillis(), JWKSourceBuilder.DEFAULT_CACHE_REFRESH_TIMEOUT, refreshes)
                // Refreshing ahead of expiry needs room for the ahead time and the refresh timeout.
                .refreshAheadCache(timing.cacheTtl().toMillis()
                        > JWKSourceBuilder.DEFAULT_REFRESH_AHEAD_TIME + JWKSourceBuilder.DEFAULT_CACHE_REFRESH_TIMEOUT)
                .rateLimited(timing.refreshMinInterval().toMillis())
                .retrying(true)
                .outageTolerant(timing.outageTolerance().toMillis())
                .build();
        return new JwtAuthenticator(keys, new TokenRules(Set.copyOf(settings.jwtIssuers()), Set.copyOf(settings.jwtAudiences()),
                settings.jwtTenants(), settings.clockSkew(), settings.jwtMaxLifetime(), clock));
    }

    private static String discoverJwksUrl(AuthSettings settings, DefaultResourceRetriever retriever) throws IOException {
        String metadata = settings.openIdConfigUrl() != null ? settings.openIdConfigUrl()
                : settings.jwtIssuers().get(0).replaceAll("/+$", "") + "/.well-known/openid-configuration";
        try {
            String jwks = JSONObjectUtils.getString(JSONObjectUtils.parse(
                    retriever.retrieveResource(URI.create(metadata).toURL()).getContent()), "jwks_uri");
            if (jwks == null) {
                throw new IOException("the OpenID metadata at " + metadata + " has no jwks_uri");
            }
            return jwks;
        } catch (ParseException e) {
            throw new IOException("the OpenID metadata at " + metadata + " is not JSON: " + e.getMessage(), e);
        }
    }

    @Override
    public Set<String> perCallKinds() {
        return Set.of(PerCallCredential.AUTHORIZATION + "bearer");
    }

    @Override
    public Principal authenticate(Metadata headers, SSLSession tls) throws AuthenticationFailure {
        String token = AuthorizationHeader.credential(headers, "Bearer");
        if (token == null) {
            return null;
        }
        if (token.isEmpty()) {
            throw new AuthenticationFailure(AuthenticationFailure.Reason.TOKEN_INVALID, "the bearer token is empty");
        }
        // The cache first: it holds only tokens that passed the shape check below and verified, so
        // a hit is known to be a compact JWS, and the per-character scan of a 1-2 KB token (a
        // measurable part of each call's authentication) is spent only on tokens seen for the first time.
        if (verified != null) {
            VerifiedTokens.Entry cached = verified.get(token);
            if (cached != null) {
                if (stillPublished(cached)) {
                    return cached.principal();
                }
                verified.remove(token, cached);
            }
        }
        if (!isCompactJws(token)) {
            // Base64url decoders skip what is not in their alphabet, so "token!!" would verify as
            // "token": one token, many spellings. Only the one spelling is accepted.
            throw new AuthenticationFailure(AuthenticationFailure.Reason.TOKEN_INVALID,
                    "the bearer token is not a compact JWS (three base64url parts joined by dots)");
        }
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (ParseException e) {
            throw new AuthenticationFailure(AuthenticationFailure.Reason.TOKEN_INVALID, "the bearer token is not a well-formed signed JWT");
        } catch (TokenRules.Violation e) {
            throw new AuthenticationFailure(e.reason(), e.getMessage());
        } catch (BadJWSException e) {
            throw new AuthenticationFailure(AuthenticationFailure.Reason.TOKEN_INVALID, "the token's signature does not verify");
        } catch (BadJOSEException | RateLimitReachedException e) {
            // A kid not in the cache while refreshes are rate-limited is, for the caller, an unknown key.
            // Otherwise: unsigned tokens, HMAC or other refused algorithms, unknown or missing key ids, wrong typ.
            throw new AuthenticationFailure(AuthenticationFailure.Reason.TOKEN_INVALID,
                    "the token is not signed with an accepted algorithm (RS256, PS256, ES256) "
                    + "by a key of a trusted issuer");
        } catch (KeySourceException e) {
            throw new AuthenticationFailure(AuthenticationFailure.Reason.ISSUER_KEYS_UNAVAILABLE,
                    "the issuer's signing keys could not be fetched; try again later", e);
        } catch (JOSEException e) {
            throw new AuthenticationFailure(AuthenticationFailure.Reason.TOKEN_INVALID, "the token could not be verified");
        }
        Principal principal = principal(claims);
        if (verified != null) {
            remember(token, claims, principal);
        }
        return principal;
    }

    /**
     * True for {@code header.payload.signature}, each part non-empty and of the base64url alphabet
     * only (RFC 7515 §7.1; no padding).
     */
    static boolean isCompactJws(String token) {
        int dots = 0;
        int partLength = 0;
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c == '.') {
                if (partLength == 0 || ++dots > 2) {
                    return false;
                }
                partLength = 0;
            } else if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_') {
                partLength++;
            } else {
                return false;
            }
        }
        return dots == 2 && partLength > 0;
    }

    /** Whether the issuer still publishes every key that matched the token when it verified. */
    private boolean stillPublished(VerifiedTokens.Entry entry) {
        try {
            return keys.get(entry.selector(), null).containsAll(entry.keys());
        } catch (KeySourceException | RuntimeException e) {
            return false; // full verification decides, and reports
        }
    }

    private void remember(String token, JWTClaimsSet claims, Principal principal) {
        try {
            JWSHeader header = JWSHeader.parse(new Base64URL(token.substring(0, token.indexOf('.'))));
            JWKMatcher matcher = keySelector.matcherFor(header);
            if (matcher == null) {
                return;
            }
            JWKSelector selector = new JWKSelector(matcher);
            List<JWK> matched = keys.get(selector, null);
            if (!matched.isEmpty()) {
                verified.put(token, new VerifiedTokens.Entry(principal, claims.getExpirationTime().toInstant(),
                        selector, List.copyOf(matched)));
            }
        } catch (ParseException | KeySourceException | RuntimeException e) {
            // Not cached: the next call verifies in full again.
        }
    }

    /** Verified tokens remembered now (tests). */
    int cachedTokens() {
        return verified == null ? 0 : verified.size();
    }

    private static Principal principal(JWTClaimsSet claims) throws AuthenticationFailure {
        String subject = text(claims, "oid") != null ? text(claims, "oid") : claims.getSubject();
        if (subject == null) {
            throw new AuthenticationFailure(AuthenticationFailure.Reason.TOKEN_INVALID, "the token names no subject (oid or sub)");
        }
        String appId = text(claims, "azp") != null ? text(claims, "azp") : text(claims, "appid");
        Set<String> roles = new LinkedHashSet<>();
        try {
            List<String> appRoles = claims.getStringListClaim("roles");
            if (appRoles != null) {
                roles.addAll(appRoles);
            }
        } catch (ParseException e) {
            throw new AuthenticationFailure(AuthenticationFailure.Reason.TOKEN_INVALID, "the token's roles claim is not a list of strings");
        }
        String scopes = text(claims, "scp");
        if (scopes != null) {
            for (String scope : scopes.trim().split("\\s+")) {
                if (!scope.isEmpty()) {
                    roles.add(SCOPE_PREFIX + scope);
                }
            }
        }
        return new Principal(subject, appId, text(claims, "tid"), roles, "jwt");
    }

    private static String text(JWTClaimsSet claims, String name) {
        return claims.getClaim(name) instanceof String value ? value : null;
    }

    @Override
    public String challenge() {
        return "Bearer realm=\"hubgate\"";
    }
}
