package io.hubgate.server.service;

import com.google.gson.JsonObject;
import io.hubgate.api.v1.AuthenticationType;
import io.hubgate.api.v1.SymmetricKeys;
import io.hubgate.api.v1.X509Thumbprints;

/**
 * The {@code authentication} an update writes: the requested type (unspecified keeps the
 * identity's own), and for SAS the given keys, else the identity's current keys, else new ones.
 */
final class UpdatedCredentials {

    private UpdatedCredentials() {
    }

    static JsonObject of(JsonObject current, AuthenticationType requested, SymmetricKeys keys, X509Thumbprints thumbprints) {
        AuthenticationType type = requested == AuthenticationType.AUTHENTICATION_TYPE_UNSPECIFIED
                ? IdentityJson.authenticationType(IdentityJson.text(IdentityJson.object(current, "authentication"), "type"))
                : requested;
        boolean keysGiven = keys != null && !keys.getPrimaryKey().isEmpty();
        SymmetricKeys kept = keysGiven ? keys : IdentityJson.keys(current);
        return IdentityJson.authentication(type, kept, thumbprints);
    }
}
