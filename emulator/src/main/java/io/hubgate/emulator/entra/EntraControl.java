package io.hubgate.emulator.entra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubgate.emulator.control.ControlSurface;
import io.hubgate.emulator.http.HubException;
import io.hubgate.emulator.http.HubRequest;
import io.hubgate.emulator.http.HubResponse;
import io.hubgate.emulator.json.Json;

import java.time.Duration;
import java.util.Set;

/**
 * The issuer's routes on the control surface (owner SAS only, like all of it):
 * <ul>
 *   <li>{@code POST /_emulator/entra/keys/rotate} → {@code {"kid": <new signing key>, "published": [kids]}}</li>
 *   <li>{@code POST /_emulator/entra/tokens} with {@code {"clientId": <app name, client or object id>}} or
 *       {@code {"managedIdentity": "system" | <name or client id>}}, plus {@code "scope"} ({@code …/.default})
 *       or {@code "resource"}, and optionally {@code "lifetimeSeconds"} → an access token, as the token endpoint answers</li>
 *   <li>{@code POST /_emulator/entra/federated-tokens} with {@code {"subject", "audience"?, "lifetimeSeconds"?}}
 *       → {@code {"token", "issuer", "expires_in"}}, a token of the {@link FederatedIssuer}</li>
 * </ul>
 * Minting here skips client authentication: the control surface is already owner-only.
 */
final class EntraControl implements ControlSurface.Contributor {

    private final LocalEntra entra;

    EntraControl(LocalEntra entra) {
        this.entra = entra;
    }

    @Override
    public void register(ControlSurface surface) {
        surface.add("POST", "/entra/keys/rotate", (request, path) -> {
            String kid = entra.signingKeys().rotate();
            ObjectNode body = Json.object();
            body.put("kid", kid);
            entra.signingKeys().published().getKeys().forEach(key -> body.withArray("published").add(key.getKeyID()));
            return HubResponse.ok(body);
        });
        surface.add("POST", "/entra/tokens", (request, path) -> mintAccessToken(request));
        surface.add("POST", "/entra/federated-tokens", (request, path) -> mintFederatedToken(request));
    }

    private HubResponse mintAccessToken(HubRequest request) {
        ObjectNode body = fields(request, Set.of("clientId", "managedIdentity", "scope", "resource", "lifetimeSeconds"));
        EntraPrincipal principal;
        if (body.hasNonNull("clientId") == body.hasNonNull("managedIdentity")) {
            throw HubException.argumentInvalid("Give exactly one of 'clientId' and 'managedIdentity'");
        } else if (body.hasNonNull("clientId")) {
            String reference = body.get("clientId").asText();
            principal = entra.directory().application(reference)
                    .orElseThrow(() -> HubException.argumentInvalid("No application '" + reference + "' in the directory"));
        } else {
            String reference = body.get("managedIdentity").asText();
            principal = entra.directory().managedIdentity(reference.equals("system") ? null : reference)
                    .orElseThrow(() -> HubException.argumentInvalid("No managed identity '" + reference + "' in the directory"));
        }
        String resource = resource(body);
        try {
            TokenIssuer.IssuedToken token = entra.tokenIssuer().issueForResource(principal, resource, lifetime(body));
            ObjectNode answer = Json.object();
            answer.put("token_type", "Bearer");
            answer.put("expires_in", token.lifetime().toSeconds());
            answer.put("expires_on", token.expiresOn().getEpochSecond());
            answer.put("resource", token.audience());
            answer.put("access_token", token.accessToken());
            return HubResponse.ok(answer);
        } catch (EntraError refused) {
            throw HubException.argumentInvalid(refused.getMessage());
        }
    }

    private HubResponse mintFederatedToken(HubRequest request) {
        ObjectNode body = fields(request, Set.of("subject", "audience", "lifetimeSeconds"));
        if (!body.hasNonNull("subject") || body.get("subject").asText().isBlank()) {
            throw HubException.argumentInvalid("'subject' is required, e.g. system:serviceaccount:<namespace>:<name>");
        }
        Duration lifetime = lifetime(body);
        String token = entra.federatedIssuer().mint(body.get("subject").asText(),
                body.hasNonNull("audience") ? body.get("audience").asText() : null, lifetime);
        ObjectNode answer = Json.object();
        answer.put("token", token);
        answer.put("issuer", FederatedIssuer.ISSUER);
        answer.put("expires_in", (lifetime == null ? FederatedIssuer.DEFAULT_LIFETIME : lifetime).toSeconds());
        return HubResponse.ok(answer);
    }

    private static String resource(ObjectNode body) {
        if (body.hasNonNull("scope") == body.hasNonNull("resource")) {
            throw HubException.argumentInvalid("Give exactly one of 'scope' (…/.default) and 'resource'");
        }
        if (body.hasNonNull("resource")) {
            return body.get("resource").asText();
        }
        String scope = body.get("scope").asText();
        if (!scope.endsWith(Audiences.DEFAULT_SUFFIX)) {
            throw HubException.argumentInvalid("'scope' must end with " + Audiences.DEFAULT_SUFFIX);
        }
        return scope.substring(0, scope.length() - Audiences.DEFAULT_SUFFIX.length());
    }

    private static Duration lifetime(ObjectNode body) {
        if (!body.hasNonNull("lifetimeSeconds")) {
            return null;
        }
        JsonNode value = body.get("lifetimeSeconds");
        if (!value.canConvertToLong() || value.asLong() < 1) {
            throw HubException.argumentInvalid("'lifetimeSeconds' must be a positive whole number");
        }
        return Duration.ofSeconds(value.asLong());
    }

    private static ObjectNode fields(HubRequest request, Set<String> known) {
        ObjectNode body = request.jsonObjectBody();
        body.fieldNames().forEachRemaining(name -> {
            if (!known.contains(name)) {
                throw HubException.argumentInvalid("Unknown field '" + name + "'; known: " + known);
            }
        });
        return body;
    }
}
