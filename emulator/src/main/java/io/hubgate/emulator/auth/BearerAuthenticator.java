package io.hubgate.emulator.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.jwt.proc.JWTClaimsSetVerifier;
import io.hubgate.common.TokenCache;
import io.hubgate.emulator.http.HubErrorCode;
import io.hubgate.emulator.http.HubException;
import io.hubgate.emulator.http.HubRequest;
import io.hubgate.emulator.http.Operation;
import io.hubgate.emulator.http.RequestAuthenticator;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;

/**
 * Checks {@code Authorization: Bearer <jwt>} the way IoT Hub checks Entra tokens, against the
 * local issuer's published keys in the same process (no HTTP): RS256 only, a {@code kid} the
 * issuer publishes, a valid signature, {@code iss} = the issuer, {@code aud} = IoT Hub, an
 * unexpired {@code exp}, and an {@code nbf} no later than {@link #NOT_BEFORE_SKEW} from now. Then
 * the principal ({@code oid}) must hold roles that grant every data action of the operation.
 *
 * <p>An invalid token is 401 / 401002 with a reason that never contains token text; a valid
 * token without the roles is 401 / 401003 with the service's own message. It does not look at
 * the token's {@code roles} claim: IoT Hub data access comes from Azure role assignments.
 *
 * <p>A token that verified is remembered by its exact text until its {@code exp} (at most
 * {@link #MAX_REMEMBERED} of them, in a {@link TokenCache} on this authenticator's clock): a
 * client such as the gateway sends the same token on every request, and verifying it again (RSA,
 * base64, JSON) was most of the emulator's CPU per request, on the same cores as whatever it is
 * being compared with. Nothing observable changes: a token differing in any character is verified
 * in full, an entry is never served at or after the token's {@code exp} (then full verification
 * reports the expiry as before), failures are not remembered, and the role check below still runs
 * on every request. The issuer keys need no re-check on a hit:
 * {@link io.hubgate.emulator.entra.SigningKeys} retires a key only once every token it signed has
 * expired.
 *
 * <p>Thread-safe: the processor is configured once and only read afterwards.
 */
public final class BearerAuthenticator implements RequestAuthenticator {

    /** The Authorization scheme this authenticator handles. */
    public static final String SCHEME = "Bearer";
    /** The audience IoT Hub accepts (a trailing slash is tolerated). */
    public static final String IOT_HUB_AUDIENCE = "https://iothubs.azure.net";
    /** How far in the future {@code nbf} may be, for clocks that disagree: 5 minutes, as Entra's libraries allow. */
    public static final Duration NOT_BEFORE_SKEW = Duration.ofMinutes(5);

    /** Verified tokens remembered at most (about 2 KB each). */
    public static final int MAX_REMEMBERED = 1024;

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final PrincipalDirectory directory;
    /** The claims of tokens that verified in full, each until its {@code exp} (ClaimsVerifier requires one). */
    private final TokenCache<JWTClaimsSet> verified;

    /**
     * @param issuer    the only accepted {@code iss}, e.g. {@code https://127.0.0.1:8443/<tenant>/v2.0}
     * @param keys      the issuer's published verification keys
     * @param directory role assignments by object id
     */
    public BearerAuthenticator(String issuer, JWKSource<SecurityContext> keys, PrincipalDirectory directory, Clock clock) {
        this.directory = directory;
        this.verified = new TokenCache<>(clock, MAX_REMEMBERED, claims -> claims.getExpirationTime().toInstant());
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, keys));
        processor.setJWTClaimsSetVerifier(new ClaimsVerifier(issuer, clock));
    }

    @Override
    public void authenticate(HubRequest request, Operation operation) {
        String authorization = request.header("Authorization");
        String token = authorization == null ? "" : authorization.trim();
        if (token.regionMatches(true, 0, SCHEME + " ", 0, SCHEME.length() + 1)) {
            token = token.substring(SCHEME.length() + 1).trim();
        } else {
            throw unauthorized("The Authorization header is not a Bearer token");
        }
        JWTClaimsSet claims = verify(token);
        String objectId = stringClaim(claims, "oid");
        Set<BuiltInRole> roles = directory.hubRolesOf(objectId);
        boolean granted = !operation.dataActions().isEmpty() && operation.dataActions().stream()
                .map(action -> BuiltInRole.DATA_ACTION_PREFIX + action)
                .allMatch(action -> roles.stream().anyMatch(role -> role.grants(action)));
        if (!granted) {
            String principal = directory.displayNameOf(objectId).orElse(objectId);
            throw new HubException(HubErrorCode.IOTHUB_UNAUTHORIZED, "Principal " + principal + " is not authorized for "
                    + request.method() + " on " + request.rawPath() + " due to no assigned permissions");
        }
    }

    private JWTClaimsSet verify(String token) {
        JWTClaimsSet known = verified.get(token);
        if (known != null) {
            return known;
        }
        JWTClaimsSet claims = verifyInFull(token);
        verified.put(token, claims);
        return claims;
    }

    /** Verified tokens remembered now (tests). */
    long rememberedTokens() {
        return verified.size();
    }

    private JWTClaimsSet verifyInFull(String token) {
        JWT jwt;
        try {
            jwt = JWTParser.parse(token);
        } catch (ParseException malformed) {
            throw unauthorized("The bearer token is not a well-formed JWT");
        }
        if (!(jwt instanceof SignedJWT signed)) {
            throw unauthorized("The bearer token is not signed; only RS256-signed tokens are accepted");
        }
        if (!JWSAlgorithm.RS256.equals(signed.getHeader().getAlgorithm())) {
            throw unauthorized("The bearer token is signed with " + signed.getHeader().getAlgorithm().getName()
                    + "; only RS256 is accepted");
        }
        if (signed.getHeader().getKeyID() == null) {
            throw unauthorized("The bearer token's header has no 'kid'");
        }
        try {
            return processor.process(signed, null);
        } catch (BadJWTException badClaims) {
            // Only ClaimsVerifier's own messages, which hold no token text.
            throw unauthorized(badClaims.getMessage());
        } catch (BadJWSException badSignature) {
            throw unauthorized("The bearer token's signature is invalid");
        } catch (BadJOSEException unknownKey) {
            throw unauthorized("The bearer token's 'kid' is not a key this issuer publishes (unknown or retired)");
        } catch (JOSEException failed) {
            throw unauthorized("The bearer token's signature could not be verified");
        }
    }

    private static String stringClaim(JWTClaimsSet claims, String name) {
        try {
            String value = claims.getStringClaim(name);
            if (value == null || value.isBlank()) {
                throw unauthorized("The bearer token has no '" + name + "' claim");
            }
            return value;
        } catch (ParseException notText) {
            throw unauthorized("The bearer token's '" + name + "' claim is not a string");
        }
    }

    private static HubException unauthorized(String reason) {
        return new HubException(HubErrorCode.IOTHUB_UNAUTHORIZED_ACCESS, reason);
    }

    /** The claims checks, against an injectable clock; every message is fixed text plus times. */
    private static final class ClaimsVerifier implements JWTClaimsSetVerifier<SecurityContext> {
        private final String issuer;
        private final Clock clock;

        ClaimsVerifier(String issuer, Clock clock) {
            this.issuer = issuer;
            this.clock = clock;
        }

        @Override
        public void verify(JWTClaimsSet claims, SecurityContext context) throws BadJWTException {
            if (!issuer.equals(claims.getIssuer())) {
                throw new BadJWTException("The bearer token's issuer is not this emulator's Entra issuer " + issuer);
            }
            List<String> audiences = claims.getAudience();
            if (audiences.stream().noneMatch(a -> a.equals(IOT_HUB_AUDIENCE) || a.equals(IOT_HUB_AUDIENCE + "/"))) {
                throw new BadJWTException("The bearer token's audience is not " + IOT_HUB_AUDIENCE);
            }
            Instant now = clock.instant();
            Date expiry = claims.getExpirationTime();
            if (expiry == null) {
                throw new BadJWTException("The bearer token has no 'exp' claim");
            }
            if (!now.isBefore(expiry.toInstant())) {
                throw new BadJWTException("The bearer token expired at " + expiry.toInstant());
            }
            Date notBefore = claims.getNotBeforeTime();
            if (notBefore != null && notBefore.toInstant().isAfter(now.plus(NOT_BEFORE_SKEW))) {
                throw new BadJWTException("The bearer token is not valid before " + notBefore.toInstant());
            }
        }
    }
}
