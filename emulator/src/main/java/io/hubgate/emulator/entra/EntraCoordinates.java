package io.hubgate.emulator.entra;

import java.time.Duration;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * What a client needs to get tokens from the local Entra: authority host, tenant, the
 * applications' client ids and secrets, the managed-identity endpoint and header, and in-process
 * minting (for tests, and for the gateway's callers later). {@link #toString()} shows no secret.
 */
public final class EntraCoordinates {

    /** An application's credentials: its first client secret, or null if it has none. */
    public record ClientCredentials(String displayName, String clientId, String objectId, String secret) {
        @Override
        public String toString() {
            return "ClientCredentials[" + displayName + ", clientId " + clientId + "]";
        }
    }

    private final LocalEntra entra;

    EntraCoordinates(LocalEntra entra) {
        this.entra = entra;
    }

    /** {@code AZURE_AUTHORITY_HOST}, e.g. {@code https://127.0.0.1:8443}. */
    public String authorityHost() {
        return entra.authority();
    }

    public String tenantId() {
        return entra.directory().tenantId();
    }

    /** The {@code iss} of every access token. */
    public String issuer() {
        return entra.issuer();
    }

    public String tokenEndpoint() {
        return entra.tokenEndpoint();
    }

    public String jwksUri() {
        return entra.jwksUri();
    }

    public String openIdConfigurationUrl() {
        return entra.openIdConfigurationUrl();
    }

    /** {@code IDENTITY_ENDPOINT} for {@code ManagedIdentityCredential}. */
    public String managedIdentityEndpoint() {
        return entra.managedIdentityEndpoint();
    }

    /** {@code IDENTITY_HEADER}: the secret the managed-identity endpoint expects in {@code X-IDENTITY-HEADER}. */
    public String identityHeader() {
        return entra.identityHeader();
    }

    public List<ClientCredentials> applications() {
        return entra.directory().applications().stream().map(a -> new ClientCredentials(a.displayName(), a.clientId(),
                a.objectId(), a.secrets().isEmpty() ? null : a.secrets().get(0))).toList();
    }

    /** An application by display name, client id or object id. */
    public ClientCredentials application(String reference) {
        return applications().stream().filter(c -> c.displayName().equals(reference)
                        || c.clientId().equalsIgnoreCase(reference) || c.objectId().equalsIgnoreCase(reference))
                .findFirst().orElseThrow(() -> new NoSuchElementException("no application " + reference + " in the directory"));
    }

    /**
     * An access token for an application or managed identity (display name, client id or object
     * id) and a resource ({@code https://iothubs.azure.net}, {@code api://hubgate} …), with the
     * issuer's default lifetime.
     */
    public String accessToken(String principal, String resource) {
        return accessToken(principal, resource, null);
    }

    /** As {@link #accessToken(String, String)}, living {@code lifetime} (null: the default). */
    public String accessToken(String principal, String resource, Duration lifetime) {
        EntraPrincipal who = entra.directory().principal(principal)
                .orElseThrow(() -> new NoSuchElementException("no application or managed identity " + principal));
        try {
            return entra.tokenIssuer().issueForResource(who, resource, lifetime).accessToken();
        } catch (EntraError refused) {
            throw new IllegalArgumentException(refused.getMessage());
        }
    }

    /** A token of the local federated issuer for {@code subject}, audience {@code api://AzureADTokenExchange}. */
    public String federatedToken(String subject) {
        return entra.federatedIssuer().mint(subject, null, null);
    }

    /**
     * Signs any claims with the issuer's current key (RS256, its {@code kid}): a correctly signed
     * token with whatever claims a test needs, wrong ones included.
     */
    public String sign(com.nimbusds.jwt.JWTClaimsSet claims) {
        return entra.tokenIssuer().signArbitrary(claims);
    }

    /** Rotates the signing key; returns the new key id. */
    public String rotateSigningKey() {
        return entra.signingKeys().rotate();
    }

    @Override
    public String toString() {
        return "EntraCoordinates[" + authorityHost() + ", tenant " + tenantId() + "]";
    }
}
