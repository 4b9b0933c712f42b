package io.hubgate.emulator.entra;

import java.util.Objects;

/**
 * A managed identity the managed-identity endpoint hands tokens to. A request without
 * {@code client_id} gets the system-assigned one; a user-assigned one is chosen by its client id.
 */
record ManagedIdentity(String displayName, String clientId, String objectId, boolean systemAssigned)
        implements EntraPrincipal {

    public ManagedIdentity {
        Objects.requireNonNull(displayName, "displayName");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(objectId, "objectId");
    }
}
