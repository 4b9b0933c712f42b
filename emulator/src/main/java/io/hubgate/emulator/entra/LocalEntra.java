package io.hubgate.emulator.entra;

import com.sun.net.httpserver.HttpHandler;
import io.hubgate.emulator.auth.BearerAuthenticator;
import io.hubgate.emulator.control.ControlSurface;
import io.hubgate.emulator.http.RequestGate;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The local Microsoft Entra ID: one tenant ({@link EntraDirectory}) with its signing keys, token
 * issuer, client authentication, federated issuer and HTTP endpoints, assembled for one authority
 * ({@code https://<host>:<port>}). The emulator serves {@link #contexts()} on its HTTPS server,
 * adds {@link #controlRoutes()} to its control surface, and checks bearer tokens with
 * {@link #bearerAuthenticator()}. It binds nothing itself.
 */
public final class LocalEntra {

    private final EntraDirectory directory;
    private final String authority;
    private final SigningKeys signingKeys;
    private final FederatedIssuer federatedIssuer;
    private final TokenIssuer tokenIssuer;
    private final ClientAuthenticator clientAuthenticator;
    private final String identityHeader;
    private final EntraExchange exchanges;
    private final Clock clock;

    /** A local Entra whose keys, generated secrets and identity header are new and kept in memory. */
    public LocalEntra(EntraDirectory directory, String authority, Duration tokenLifetime, RequestGate gate, Clock clock) {
        this(directory, authority, tokenLifetime, gate, clock, EntraKeyring.inMemory(clock));
    }

    /**
     * @param authority     e.g. {@code https://127.0.0.1:8443}, no trailing slash
     * @param tokenLifetime lifetime of issued access tokens
     * @param gate          admits token requests (faults act through it)
     * @param keyring       the signing keys and managed-identity header, kept or new
     */
    public LocalEntra(EntraDirectory directory, String authority, Duration tokenLifetime, RequestGate gate, Clock clock,
                      EntraKeyring keyring) {
        this.directory = directory;
        this.authority = authority;
        this.clock = clock;
        this.signingKeys = keyring.issuerKeys();
        this.federatedIssuer = new FederatedIssuer(keyring.federatedKeys(), clock);
        this.tokenIssuer = new TokenIssuer(authority + "/" + directory.tenantId() + "/v2.0", directory, signingKeys,
                tokenLifetime, clock);
        this.clientAuthenticator = new ClientAuthenticator(directory, federatedIssuer.verificationKeys(), clock);
        this.identityHeader = keyring.identityHeader();
        this.exchanges = new EntraExchange(gate, clock);
    }

    /** Handlers by path prefix: the tenant's endpoints and the managed-identity endpoint. */
    public Map<String, HttpHandler> contexts() {
        Map<String, HttpHandler> contexts = new LinkedHashMap<>();
        contexts.put("/" + directory.tenantId() + "/", new TokenEndpoints(this, exchanges));
        contexts.put(ManagedIdentityEndpoint.PATH, new ManagedIdentityEndpoint(this, exchanges, identityHeader));
        return contexts;
    }

    /** The issuer's control routes: rotate keys, mint access and federated tokens. */
    public ControlSurface.Contributor controlRoutes() {
        return new EntraControl(this);
    }

    /** Checks bearer tokens from this issuer against the directory's IoT Hub role assignments. */
    public BearerAuthenticator bearerAuthenticator() {
        return new BearerAuthenticator(issuer(), signingKeys, directory, clock);
    }

    /** What clients need to know, and in-process token minting for tests and the gateway. */
    public EntraCoordinates coordinates() {
        return new EntraCoordinates(this);
    }

    public EntraDirectory directory() {
        return directory;
    }

    public String authority() {
        return authority;
    }

    public String issuer() {
        return tokenIssuer.issuer();
    }

    public String tokenEndpoint() {
        return authority + "/" + directory.tenantId() + TokenEndpoints.TOKEN_PATH;
    }

    public String jwksUri() {
        return authority + "/" + directory.tenantId() + TokenEndpoints.KEYS_PATH;
    }

    public String openIdConfigurationUrl() {
        return authority + "/" + directory.tenantId() + TokenEndpoints.OPENID_CONFIGURATION_PATH;
    }

    public String managedIdentityEndpoint() {
        return authority + ManagedIdentityEndpoint.PATH;
    }

    /** The value clients must send in {@code X-IDENTITY-HEADER}; shown only in the banner. */
    String identityHeader() {
        return identityHeader;
    }

    public SigningKeys signingKeys() {
        return signingKeys;
    }

    public TokenIssuer tokenIssuer() {
        return tokenIssuer;
    }

    FederatedIssuer federatedIssuer() {
        return federatedIssuer;
    }

    ClientAuthenticator clientAuthenticator() {
        return clientAuthenticator;
    }
}
