package io.hubgate.emulator.entra;

import io.hubgate.emulator.auth.BuiltInRole;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * The directory the emulator starts with when no config file is given: one tenant, a gateway
 * identity that may do everything on the hub, caller applications with narrower roles, two
 * managed identities, and the {@code api://hubgate} API whose app roles the gateway's callers
 * hold. Ids are fixed (derived from the names, see {@link #clientIdOf}); secrets are made anew at
 * every start, unless the emulator keeps them ({@link EntraKeyring}).
 *
 * <table>
 *   <caption>Default identities</caption>
 *   <tr><th>Name</th><th>IoT Hub role</th><th>App roles on {@code api://hubgate}</th></tr>
 *   <tr><td>{@value #GATEWAY}</td><td>Data Contributor</td><td>—</td></tr>
 *   <tr><td>{@value #READER}</td><td>Data Reader</td><td>Registry.Read, Twin.Read</td></tr>
 *   <tr><td>{@value #REGISTRY}</td><td>Registry Contributor</td><td>Registry.Read, Registry.Write, Keys.Read</td></tr>
 *   <tr><td>{@value #TWIN}</td><td>Twin Contributor</td><td>Twin.Read, Twin.Write, Method.Invoke</td></tr>
 *   <tr><td>{@value #NO_ROLE}</td><td>none</td><td>none</td></tr>
 *   <tr><td>{@value #SERVICE}</td><td>none</td><td>Registry.Read/Write, Twin.Read/Write, Method.Invoke</td></tr>
 *   <tr><td>{@value #API} (exposes {@value #API_URI})</td><td>none</td><td>—</td></tr>
 *   <tr><td>{@value #SYSTEM_IDENTITY} (system-assigned)</td><td>Data Contributor</td><td>—</td></tr>
 *   <tr><td>{@value #USER_IDENTITY} (user-assigned)</td><td>Data Reader</td><td>—</td></tr>
 * </table>
 *
 * <p>The gateway also has a federated credential for {@link FederatedIssuer#ISSUER} with subject
 * {@value #GATEWAY_WORKLOAD_SUBJECT}, so it can run as a Kubernetes workload identity.
 */
public final class DefaultDirectory {

    /** The default tenant id. */
    public static final String TENANT_ID = "5f0b3c1e-6a2d-4e8b-9c47-2b1e0d3a7f64";
    public static final String GATEWAY = "hubgate-gateway";
    public static final String READER = "reader-app";
    public static final String REGISTRY = "registry-app";
    public static final String TWIN = "twin-app";
    public static final String NO_ROLE = "norole-app";
    /**
     * A backend service calling the gateway: every app role but Keys.Read, so one token runs the
     * samples' whole scenario (create a device, patch its twin, query, delete).
     */
    public static final String SERVICE = "service-app";
    public static final List<String> SERVICE_ROLES =
            List.of("Registry.Read", "Registry.Write", "Twin.Read", "Twin.Write", "Method.Invoke");
    /** The application that stands for hubgate's own API, which callers get tokens for. */
    public static final String API = "hubgate";
    public static final String API_URI = "api://hubgate";
    public static final List<String> API_ROLES =
            List.of("Registry.Read", "Registry.Write", "Twin.Read", "Twin.Write", "Method.Invoke", "Keys.Read");
    public static final String SYSTEM_IDENTITY = "hubgate-system-identity";
    public static final String USER_IDENTITY = "hubgate-user-identity";
    /** The service-account subject of the gateway's federated credential. */
    public static final String GATEWAY_WORKLOAD_SUBJECT = "system:serviceaccount:hubgate:hubgate-gateway";

    /** Length of a generated client secret, as long as the ones Entra generates. */
    public static final int SECRET_LENGTH = 40;
    private static final String SECRET_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789~._-";
    private static final SecureRandom RANDOM = new SecureRandom();

    private DefaultDirectory() {
    }

    public static EntraDirectory create() {
        return builder().build();
    }

    /** The default set as a builder, to add identities to (tests add certificate credentials this way). */
    public static EntraDirectory.Builder builder() {
        return builder(clientId -> newSecret());
    }

    /**
     * The default set with the secrets {@code secretFor} gives each client id (the emulator's
     * {@link EntraKeyring#generatedSecret}, so that a data directory keeps them).
     */
    public static EntraDirectory.Builder builder(Function<String, String> secretFor) {
        Function<String, EntraApplication> application = name -> application(name, secretFor);
        EntraApplication gateway = application.apply(GATEWAY)
                .withFederatedCredential(new FederatedCredential(FederatedIssuer.ISSUER, GATEWAY_WORKLOAD_SUBJECT, null));
        return EntraDirectory.builder(TENANT_ID)
                .application(gateway)
                .application(application.apply(READER))
                .application(application.apply(REGISTRY))
                .application(application.apply(TWIN))
                .application(application.apply(NO_ROLE))
                .application(application.apply(SERVICE))
                .application(application.apply(API).exposing(API_URI, API_ROLES))
                .managedIdentity(new ManagedIdentity(SYSTEM_IDENTITY, clientIdOf(SYSTEM_IDENTITY), objectIdOf(SYSTEM_IDENTITY), true))
                .managedIdentity(new ManagedIdentity(USER_IDENTITY, clientIdOf(USER_IDENTITY), objectIdOf(USER_IDENTITY), false))
                .assignHubRole(GATEWAY, BuiltInRole.DATA_CONTRIBUTOR)
                .assignHubRole(READER, BuiltInRole.DATA_READER)
                .assignHubRole(REGISTRY, BuiltInRole.REGISTRY_CONTRIBUTOR)
                .assignHubRole(TWIN, BuiltInRole.TWIN_CONTRIBUTOR)
                .assignHubRole(SYSTEM_IDENTITY, BuiltInRole.DATA_CONTRIBUTOR)
                .assignHubRole(USER_IDENTITY, BuiltInRole.DATA_READER)
                .assignAppRoles(READER, API_URI, List.of("Registry.Read", "Twin.Read"))
                .assignAppRoles(REGISTRY, API_URI, List.of("Registry.Read", "Registry.Write", "Keys.Read"))
                .assignAppRoles(TWIN, API_URI, List.of("Twin.Read", "Twin.Write", "Method.Invoke"))
                .assignAppRoles(SERVICE, API_URI, SERVICE_ROLES);
    }

    /** An application with derived ids and one generated secret. */
    public static EntraApplication application(String displayName) {
        return application(displayName, clientId -> newSecret());
    }

    private static EntraApplication application(String displayName, Function<String, String> secretFor) {
        String clientId = clientIdOf(displayName);
        return EntraApplication.withSecret(displayName, clientId, objectIdOf(displayName), secretFor.apply(clientId));
    }

    /** The client id a default (or config-file) identity gets when none is given: stable across starts. */
    public static String clientIdOf(String displayName) {
        return UUID.nameUUIDFromBytes(("hubgate-emulator/client/" + displayName).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** The object id an identity gets when none is given. */
    public static String objectIdOf(String displayName) {
        return UUID.nameUUIDFromBytes(("hubgate-emulator/object/" + displayName).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** A new random client secret of {@value #SECRET_LENGTH} characters. */
    public static String newSecret() {
        StringBuilder secret = new StringBuilder(SECRET_LENGTH);
        for (int i = 0; i < SECRET_LENGTH; i++) {
            secret.append(SECRET_ALPHABET.charAt(RANDOM.nextInt(SECRET_ALPHABET.length())));
        }
        return secret.toString();
    }
}
