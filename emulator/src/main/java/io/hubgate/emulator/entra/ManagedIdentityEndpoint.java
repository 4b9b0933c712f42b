package io.hubgate.emulator.entra;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.hubgate.emulator.http.HubRequest;
import io.hubgate.emulator.http.RequestGate;
import io.hubgate.emulator.json.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The managed-identity endpoint in App Service's form ({@code IDENTITY_ENDPOINT} +
 * {@code IDENTITY_HEADER}): {@code GET ?api-version=2019-08-01&resource=…[&client_id=…]} with the
 * header {@code X-IDENTITY-HEADER}, answered with {@code access_token}, {@code expires_on} (epoch
 * seconds, as a string), {@code resource}, {@code token_type} and {@code client_id}. Without
 * {@code client_id} the token is the system-assigned identity's. Not served: the IMDS form
 * ({@code 169.254.169.254}), Azure Arc, Service Fabric and Cloud Shell.
 */
final class ManagedIdentityEndpoint implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ManagedIdentityEndpoint.class);

    /** The path of the endpoint on the emulator's server. */
    static final String PATH = "/msi/token";
    static final String API_VERSION = "2019-08-01";
    static final String HEADER = "X-IDENTITY-HEADER";

    private final LocalEntra entra;
    private final EntraExchange exchanges;
    private final byte[] identityHeader;

    ManagedIdentityEndpoint(LocalEntra entra, EntraExchange exchanges, String identityHeader) {
        this.entra = entra;
        this.exchanges = exchanges;
        this.identityHeader = identityHeader.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try {
            HubRequest request = exchanges.read(exchange);
            if (!request.rawPath().equals(PATH) || !request.method().equals("GET")) {
                throw new EntraError(404, "not_found", 0, "The managed-identity endpoint is GET " + PATH + ".");
            }
            String presented = request.header(HEADER);
            if (presented == null || !MessageDigest.isEqual(identityHeader, presented.getBytes(StandardCharsets.UTF_8))) {
                throw new EntraError(401, "unauthorized_client", 0, "The " + HEADER + " header is missing or is not IDENTITY_HEADER.");
            }
            if (!API_VERSION.equals(request.queryParameter("api-version"))) {
                throw EntraError.invalidRequest(0, "api-version must be " + API_VERSION + ".");
            }
            String clientId = request.queryParameter("client_id");
            ManagedIdentity identity = entra.directory().managedIdentity(clientId).orElseThrow(() -> new EntraError(400,
                    "invalid_request", 0, clientId == null ? "No system-assigned managed identity is configured."
                    : "No managed identity with client id " + clientId + " is assigned to this resource."));
            exchanges.admit(request);
            TokenIssuer.IssuedToken token = entra.tokenIssuer().issueForResource(identity, request.queryParameter("resource"), null);
            ObjectNode body = Json.object();
            body.put("access_token", token.accessToken());
            body.put("expires_on", Long.toString(token.expiresOn().getEpochSecond()));
            body.put("resource", request.queryParameter("resource"));
            body.put("token_type", "Bearer");
            body.put("client_id", identity.clientId());
            EntraExchange.writeJson(exchange, 200, body);
        } catch (EntraError refused) {
            LOG.debug("Managed-identity endpoint refused a request: {} {}", refused.status(), refused.error());
            exchanges.writeError(exchange, refused);
        } catch (RequestGate.DropConnection drop) {
            exchange.close();
        } catch (RuntimeException unexpected) {
            LOG.error("Managed-identity endpoint failed unexpectedly", unexpected);
            exchanges.writeError(exchange, new EntraError(500, "server_error", 90033,
                    "A transient error has occurred. Please try again."));
        }
    }
}
