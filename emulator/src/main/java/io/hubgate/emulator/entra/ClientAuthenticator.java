package io.hubgate.emulator.entra;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides which application a client-credentials request comes from, the three ways Entra
 * accepts: a client secret; a client assertion signed with a registered certificate (as
 * {@code ClientCertificateCredential} sends: {@code iss} = {@code sub} = client id, {@code aud} =
 * the token endpoint); or a federated token from {@link FederatedIssuer} that matches one of the
 * application's federated credentials (as {@code WorkloadIdentityCredential} sends). Every
 * refusal is an {@link EntraError} with Entra's AADSTS code and a description with no secret or
 * assertion text in it. Thread-safe.
 */
final class ClientAuthenticator {

    static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    /** Tolerance for client clocks on assertion {@code nbf}/{@code exp}: 5 minutes, as Entra allows. */
    static final Duration ASSERTION_SKEW = Duration.ofMinutes(5);
    private static final Set<JWSAlgorithm> ASSERTION_ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.PS256);

    private final EntraDirectory directory;
    private final DefaultJWTProcessor<SecurityContext> federatedProcessor = new DefaultJWTProcessor<>();
    private final Clock clock;

    ClientAuthenticator(EntraDirectory directory, JWKSource<SecurityContext> federatedKeys, Clock clock) {
        this.directory = directory;
        this.clock = clock;
        federatedProcessor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, federatedKeys));
        // Times are checked below against the injected clock, with Entra's codes.
        federatedProcessor.setJWTClaimsSetVerifier((claims, context) -> { });
    }

    /** @param tokenEndpoint the URL assertions must be addressed to */
    EntraApplication authenticate(Map<String, String> form, String tokenEndpoint) {
        String clientId = form.get("client_id");
        if (clientId == null || clientId.isBlank()) {
            throw EntraError.missingParameter("client_id");
        }
        EntraApplication application = directory.applicationByClientId(clientId).orElseThrow(() -> new EntraError(400,
                "unauthorized_client", 700016, "Application with identifier '" + clientId + "' was not found in the directory '"
                + directory.tenantId() + "'. This can happen if the application has not been installed by the administrator "
                + "of the tenant or consented to by any user in the tenant."));
        String secret = form.get("client_secret");
        String assertion = form.get("client_assertion");
        if (secret != null) {
            checkSecret(application, secret);
        } else if (assertion != null) {
            if (!JWT_BEARER.equals(form.get("client_assertion_type"))) {
                throw EntraError.invalidRequest(50027, "The client_assertion_type must be '" + JWT_BEARER + "'.");
            }
            checkAssertion(application, assertion, tokenEndpoint);
        } else {
            throw EntraError.invalidClient(7000218,
                    "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
        }
        return application;
    }

    private static void checkSecret(EntraApplication application, String presented) {
        byte[] bytes = presented.getBytes(StandardCharsets.UTF_8);
        boolean matches = false;
        for (String secret : application.secrets()) {
            matches |= MessageDigest.isEqual(bytes, secret.getBytes(StandardCharsets.UTF_8));
        }
        if (!matches) {
            throw EntraError.invalidClient(7000215, "Invalid client secret provided. Ensure the secret being sent in the "
                    + "request is the client secret value, not the client secret ID, for a secret added to app '"
                    + application.clientId() + "'.");
        }
    }

    private void checkAssertion(EntraApplication application, String assertion, String tokenEndpoint) {
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(assertion);
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException malformed) {
            throw EntraError.invalidClient(50027, "JWT token is invalid or malformed.");
        }
        if (application.clientId().equals(claims.getIssuer())) {
            checkCertificateAssertion(application, jwt, claims, tokenEndpoint);
        } else {
            checkFederatedAssertion(application, jwt, claims);
        }
        checkTimes(claims);
    }

    private void checkCertificateAssertion(EntraApplication application, SignedJWT jwt, JWTClaimsSet claims, String tokenEndpoint) {
        if (!application.clientId().equals(claims.getSubject())) {
            throw EntraError.invalidClient(700021, "Client assertion application identifier doesn't match 'client_id' parameter.");
        }
        List<String> audiences = claims.getAudience();
        if (audiences.stream().noneMatch(a -> a.equals(tokenEndpoint) || a.equals(tokenEndpoint + "/"))) {
            throw EntraError.invalidClient(50027, "JWT token is invalid: the client assertion's audience is not this token endpoint, "
                    + tokenEndpoint + ".");
        }
        if (!ASSERTION_ALGORITHMS.contains(jwt.getHeader().getAlgorithm())) {
            throw EntraError.invalidClient(50027, "JWT token is invalid: the client assertion must be signed with RS256 or PS256.");
        }
        List<ClientCertificate> candidates = application.certificates().stream()
                .filter(c -> c.matchesX5t(jwt.getHeader().getX509CertThumbprint())).toList();
        if (candidates.isEmpty()) {
            candidates = application.certificates();
        }
        for (ClientCertificate certificate : candidates) {
            if (certificate.publicKey() instanceof RSAPublicKey rsa && verifies(jwt, new RSASSAVerifier(rsa))) {
                return;
            }
        }
        throw EntraError.invalidClient(700027, "The certificate with identifier used to sign the client assertion is not "
                + "registered on application " + application.clientId() + ", or the assertion's signature is invalid.");
    }

    private void checkFederatedAssertion(EntraApplication application, SignedJWT jwt, JWTClaimsSet claims) {
        List<FederatedCredential> byIssuer = application.federatedCredentials().stream()
                .filter(c -> c.issuer().equals(claims.getIssuer())).toList();
        if (byIssuer.isEmpty()) {
            throw EntraError.invalidClient(700211, "No matching federated identity record found for presented assertion "
                    + "issuer '" + claims.getIssuer() + "'.");
        }
        List<FederatedCredential> bySubject = byIssuer.stream().filter(c -> c.subject().equals(claims.getSubject())).toList();
        if (bySubject.isEmpty()) {
            throw EntraError.invalidClient(700213, "No matching federated identity record found for presented assertion "
                    + "subject '" + claims.getSubject() + "'.");
        }
        if (bySubject.stream().noneMatch(c -> claims.getAudience().contains(c.audience()))) {
            throw EntraError.invalidClient(700212, "No matching federated identity record found for presented assertion "
                    + "audience '" + String.join(",", claims.getAudience()) + "'.");
        }
        if (!FederatedIssuer.ISSUER.equals(claims.getIssuer())) {
            throw EntraError.invalidClient(50013, "Assertion failed signature validation: the emulator can verify only "
                    + "tokens of its own federated issuer " + FederatedIssuer.ISSUER + ".");
        }
        try {
            federatedProcessor.process(jwt, null);
        } catch (BadJWSException | JOSEException badSignature) {
            throw EntraError.invalidClient(50013, "Assertion failed signature validation.");
        } catch (BadJOSEException unknownKey) {
            throw EntraError.invalidClient(50013, "Assertion failed signature validation: its key is not one the issuer publishes.");
        }
    }

    private void checkTimes(JWTClaimsSet claims) {
        Instant now = clock.instant();
        Date expiry = claims.getExpirationTime();
        Date notBefore = claims.getNotBeforeTime();
        if (expiry == null || !now.minus(ASSERTION_SKEW).isBefore(expiry.toInstant())
                || notBefore != null && notBefore.toInstant().isAfter(now.plus(ASSERTION_SKEW))) {
            throw EntraError.invalidClient(700024, "Client assertion is not within its valid time range. Current time: "
                    + now + ", assertion valid from " + (notBefore == null ? "-" : notBefore.toInstant()) + ", expiry time of "
                    + "assertion " + (expiry == null ? "-" : expiry.toInstant()) + ".");
        }
    }

    private static boolean verifies(SignedJWT jwt, JWSVerifier verifier) {
        try {
            return jwt.verify(verifier);
        } catch (JOSEException e) {
            return false;
        }
    }
}
