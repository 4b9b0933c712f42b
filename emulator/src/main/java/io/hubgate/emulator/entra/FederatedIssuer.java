package io.hubgate.emulator.entra;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

/**
 * A stand-in for an outside OIDC issuer whose tokens apps exchange through federated credentials,
 * such as a Kubernetes cluster's service-account issuer: it mints service-account-style tokens
 * (what a pod finds in {@code AZURE_FEDERATED_TOKEN_FILE}) with its own keys and its own issuer,
 * {@value #ISSUER}. The token endpoint trusts it in-process; it serves no discovery documents and
 * other outside issuers are not reachable from the emulator.
 */
final class FederatedIssuer {

    /**
     * The issuer of federated tokens. Fixed rather than derived from the port, so that a config
     * file's federated credentials can name it.
     */
    public static final String ISSUER = "https://federated.hubgate.local";
    /** Lifetime of a minted federated token unless told otherwise: one hour, like a projected service-account token. */
    public static final Duration DEFAULT_LIFETIME = Duration.ofHours(1);

    private final SigningKeys keys;
    private final Clock clock;

    public FederatedIssuer(Clock clock) {
        this(new SigningKeys(clock), clock);
    }

    /** An issuer signing with these keys (kept across restarts by {@link EntraKeyring}). */
    public FederatedIssuer(SigningKeys keys, Clock clock) {
        this.clock = clock;
        this.keys = keys;
    }

    /** A token for {@code subject} (e.g. {@code system:serviceaccount:ns:name}); null audience means {@code api://AzureADTokenExchange}. */
    public String mint(String subject, String audience, Duration lifetime) {
        Instant now = clock.instant();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .subject(subject)
                .audience(audience == null ? FederatedCredential.DEFAULT_AUDIENCE : audience)
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(lifetime == null ? DEFAULT_LIFETIME : lifetime)))
                .jwtID(UUID.randomUUID().toString())
                .build();
        return keys.sign(claims);
    }

    /** The keys federated tokens verify with. */
    public JWKSource<SecurityContext> verificationKeys() {
        return keys;
    }
}
