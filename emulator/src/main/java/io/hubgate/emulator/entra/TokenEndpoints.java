package io.hubgate.emulator.entra;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.hubgate.emulator.http.HubRequest;
import io.hubgate.emulator.http.RequestGate;
import io.hubgate.emulator.json.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The tenant's endpoints, under {@code /{tenant}/}: the token endpoint
 * ({@code POST oauth2/v2.0/token}, client-credentials grant), the OpenID configuration
 * ({@code GET v2.0/.well-known/openid-configuration}) and the signing keys
 * ({@code GET discovery/v2.0/keys}). No authorization-code, device-code or user flows: the
 * emulator issues app-only tokens, and their endpoints (published, because MSAL requires the
 * metadata to name them) answer with an error that says so. Logs refusals by AADSTS code and
 * client id, never a secret.
 */
final class TokenEndpoints implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(TokenEndpoints.class);

    static final String TOKEN_PATH = "/oauth2/v2.0/token";
    static final String OPENID_CONFIGURATION_PATH = "/v2.0/.well-known/openid-configuration";
    static final String KEYS_PATH = "/discovery/v2.0/keys";
    /** User flows' endpoints: named in the metadata (MSAL Python and Node require authorization_endpoint), never served. */
    static final List<String> INTERACTIVE_PATHS =
            List.of("/oauth2/v2.0/authorize", "/oauth2/v2.0/devicecode", "/oauth2/v2.0/logout");

    private final LocalEntra entra;
    private final EntraExchange exchanges;

    TokenEndpoints(LocalEntra entra, EntraExchange exchanges) {
        this.entra = entra;
        this.exchanges = exchanges;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try {
            HubRequest request = exchanges.read(exchange);
            String tenantPath = "/" + entra.directory().tenantId();
            String path = request.rawPath().substring(Math.min(tenantPath.length(), request.rawPath().length()));
            String method = request.method();
            if (path.equals(TOKEN_PATH)) {
                requireMethod(method, "POST");
                exchanges.admit(request);
                EntraExchange.writeJson(exchange, 200, token(request));
            } else if (path.equals(OPENID_CONFIGURATION_PATH)) {
                requireMethod(method, "GET");
                EntraExchange.writeJson(exchange, 200, openIdConfiguration());
            } else if (path.equals(KEYS_PATH)) {
                requireMethod(method, "GET");
                EntraExchange.writeJson(exchange, 200, (ObjectNode) Json.MAPPER.valueToTree(entra.signingKeys().published().toJSONObject(true)));
            } else if (INTERACTIVE_PATHS.contains(path)) {
                throw new EntraError(400, "unsupported_response_type", 700054, "The emulator's Entra issuer serves "
                        + "app-only tokens (client credentials, client assertions, federated tokens, managed identity) "
                        + "at " + entra.tokenEndpoint() + "; user sign-in at " + request.rawPath() + " is not emulated.");
            } else {
                throw new EntraError(404, "not_found", 0, "The emulator's Entra issuer serves no endpoint at " + request.rawPath() + ".");
            }
        } catch (EntraError refused) {
            LOG.debug("Token endpoint refused a request: AADSTS{} {}", refused.code(), refused.error());
            exchanges.writeError(exchange, refused);
        } catch (RequestGate.DropConnection drop) {
            exchange.close();
        } catch (RuntimeException unexpected) {
            LOG.error("Token endpoint failed unexpectedly", unexpected);
            exchanges.writeError(exchange, new EntraError(500, "server_error", 90033,
                    "A transient error has occurred. Please try again."));
        }
    }

    private ObjectNode token(HubRequest request) {
        Map<String, String> form = EntraExchange.form(request);
        String grantType = form.get("grant_type");
        if (grantType == null) {
            throw EntraError.missingParameter("grant_type");
        }
        if (!grantType.equals("client_credentials")) {
            throw new EntraError(400, "unsupported_grant_type", 70003,
                    "The app requested an unsupported grant type '" + grantType + "'. The emulator issues client_credentials tokens only.");
        }
        EntraApplication client = entra.clientAuthenticator().authenticate(form, entra.tokenEndpoint());
        TokenIssuer.IssuedToken token = entra.tokenIssuer().issueForScope(client, form.get("scope"));
        ObjectNode body = Json.object();
        body.put("token_type", "Bearer");
        body.put("expires_in", token.lifetime().toSeconds());
        body.put("ext_expires_in", token.lifetime().toSeconds());
        body.put("access_token", token.accessToken());
        return body;
    }

    private ObjectNode openIdConfiguration() {
        ObjectNode body = Json.object();
        body.put("issuer", entra.issuer());
        body.put("token_endpoint", entra.tokenEndpoint());
        body.put("jwks_uri", entra.jwksUri());
        String tenantBase = entra.authority() + "/" + entra.directory().tenantId();
        body.put("authorization_endpoint", tenantBase + INTERACTIVE_PATHS.get(0));
        body.put("device_authorization_endpoint", tenantBase + INTERACTIVE_PATHS.get(1));
        body.put("end_session_endpoint", tenantBase + INTERACTIVE_PATHS.get(2));
        strings(body.putArray("token_endpoint_auth_methods_supported"), "client_secret_post", "private_key_jwt");
        strings(body.putArray("grant_types_supported"), "client_credentials");
        strings(body.putArray("response_types_supported"), "token");
        strings(body.putArray("subject_types_supported"), "pairwise");
        strings(body.putArray("id_token_signing_alg_values_supported"), "RS256");
        strings(body.putArray("scopes_supported"), "openid", "profile", "email", "offline_access");
        strings(body.putArray("claims_supported"), "iss", "aud", "sub", "oid", "tid", "appid", "azp", "roles", "iat",
                "nbf", "exp", "ver", "uti", "jti");
        body.put("tenant_region_scope", (String) null);
        body.put("cloud_instance_name", "hubgate.local");
        return body;
    }

    private static void strings(ArrayNode array, String... values) {
        for (String value : values) {
            array.add(value);
        }
    }

    private static void requireMethod(String method, String expected) {
        if (!method.equals(expected)) {
            throw EntraError.invalidRequest(900561, "The endpoint only accepts " + expected + " requests. Received a "
                    + method + " request.");
        }
    }
}
