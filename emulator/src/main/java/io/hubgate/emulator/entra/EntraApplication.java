package io.hubgate.emulator.entra;

import java.util.List;
import java.util.Objects;

/**
 * An app registration with its service principal, as far as the token endpoint cares: who it is,
 * how it may prove that (secrets, certificates, federated credentials), and what it exposes to
 * callers (identifier URIs and the app roles they can be assigned).
 *
 * @param displayName          e.g. {@code hubgate-gateway}; also how the config file refers to it
 * @param clientId             the application (client) id
 * @param objectId             the service principal's object id: the {@code oid} of its tokens
 * @param secrets              client secret values; shown only in the banner and the coordinates
 * @param identifierUris       e.g. {@code api://hubgate}; a {@code <uri>/.default} scope asks for a token to this app
 * @param appRoles             app role values this app exposes, e.g. {@code Registry.Read}
 */
public record EntraApplication(String displayName, String clientId, String objectId, List<String> secrets,
                               List<ClientCertificate> certificates, List<FederatedCredential> federatedCredentials,
                               List<String> identifierUris, List<String> appRoles) implements EntraPrincipal {

    public EntraApplication {
        Objects.requireNonNull(displayName, "displayName");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(objectId, "objectId");
        secrets = List.copyOf(secrets);
        certificates = List.copyOf(certificates);
        federatedCredentials = List.copyOf(federatedCredentials);
        identifierUris = List.copyOf(identifierUris);
        appRoles = List.copyOf(appRoles);
    }

    /** An application with a name, ids and one secret, and nothing else. */
    public static EntraApplication withSecret(String displayName, String clientId, String objectId, String secret) {
        return new EntraApplication(displayName, clientId, objectId, List.of(secret), List.of(), List.of(), List.of(), List.of());
    }

    public EntraApplication withCertificate(ClientCertificate certificate) {
        List<ClientCertificate> more = new java.util.ArrayList<>(certificates);
        more.add(certificate);
        return new EntraApplication(displayName, clientId, objectId, secrets, more, federatedCredentials, identifierUris, appRoles);
    }

    EntraApplication withFederatedCredential(FederatedCredential credential) {
        List<FederatedCredential> more = new java.util.ArrayList<>(federatedCredentials);
        more.add(credential);
        return new EntraApplication(displayName, clientId, objectId, secrets, certificates, more, identifierUris, appRoles);
    }

    public EntraApplication exposing(String identifierUri, List<String> roles) {
        List<String> uris = new java.util.ArrayList<>(identifierUris);
        uris.add(identifierUri);
        List<String> allRoles = new java.util.ArrayList<>(appRoles);
        allRoles.addAll(roles);
        return new EntraApplication(displayName, clientId, objectId, secrets, certificates, federatedCredentials, uris, allRoles);
    }

    @Override
    public String toString() {
        return "EntraApplication[" + displayName + ", clientId " + clientId + ", " + secrets.size() + " secret(s), "
                + certificates.size() + " certificate(s), " + federatedCredentials.size() + " federated credential(s)]";
    }
}
