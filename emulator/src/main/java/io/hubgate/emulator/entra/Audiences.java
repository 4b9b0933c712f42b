package io.hubgate.emulator.entra;

import io.hubgate.emulator.auth.BearerAuthenticator;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Turns what a client asks for into a token audience, as Entra does for app-only tokens: a
 * {@code <resource>/.default} scope (token endpoint) or a bare {@code resource} (managed
 * identity) names IoT Hub ({@value BearerAuthenticator#IOT_HUB_AUDIENCE}) or an identifier URI of
 * an application in the directory. OpenID scopes beside it are ignored; anything else is refused.
 */
final class Audiences {

    static final String DEFAULT_SUFFIX = "/.default";
    private static final Set<String> OPENID_SCOPES = Set.of("openid", "profile", "offline_access", "email");

    /** A resolved audience and, for a directory application, that application (for its app roles). */
    record Audience(String value, Optional<EntraApplication> application) {
    }

    private Audiences() {
    }

    /** From the token endpoint's {@code scope}: exactly one {@code …/.default} resource scope. */
    static Audience fromScope(String scope, EntraDirectory directory) {
        if (scope == null || scope.isBlank()) {
            throw EntraError.missingParameter("scope");
        }
        List<String> resources = new ArrayList<>();
        for (String item : scope.trim().split("\\s+")) {
            if (OPENID_SCOPES.contains(item)) {
                continue;
            }
            if (!item.endsWith(DEFAULT_SUFFIX) || item.length() == DEFAULT_SUFFIX.length()) {
                throw invalidScope("The provided value for the input parameter 'scope' is not valid. The scope " + item
                        + " is not valid. The client credentials grant needs a '<resource>/.default' scope.");
            }
            resources.add(item.substring(0, item.length() - DEFAULT_SUFFIX.length()));
        }
        if (resources.size() != 1) {
            throw invalidScope("The provided value for the input parameter 'scope' is not valid. "
                    + "Ask for exactly one '<resource>/.default' scope.");
        }
        return fromResource(resources.get(0), directory);
    }

    /** From a managed-identity {@code resource}, or the part of a scope before {@code /.default}. */
    static Audience fromResource(String resource, EntraDirectory directory) {
        if (resource == null || resource.isBlank()) {
            throw EntraError.missingParameter("resource");
        }
        String trimmed = resource.endsWith("/") ? resource.substring(0, resource.length() - 1) : resource;
        if (trimmed.equalsIgnoreCase(BearerAuthenticator.IOT_HUB_AUDIENCE)) {
            return new Audience(BearerAuthenticator.IOT_HUB_AUDIENCE, Optional.empty());
        }
        Optional<EntraApplication> application = directory.resourceApplication(trimmed)
                .or(() -> directory.applicationByClientId(trimmed));
        if (application.isEmpty()) {
            throw new EntraError(400, "invalid_resource", 500011, "The resource principal named " + trimmed
                    + " was not found in the tenant named " + directory.tenantId() + ".");
        }
        return new Audience(trimmed, application);
    }

    private static EntraError invalidScope(String description) {
        return new EntraError(400, "invalid_scope", 70011, description);
    }
}
