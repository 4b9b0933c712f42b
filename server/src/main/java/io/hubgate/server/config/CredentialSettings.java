package io.hubgate.server.config;

import java.util.Objects;

/**
 * What the credential provider needs besides Azure's own environment variables
 * (AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_CLIENT_SECRET, AZURE_CLIENT_CERTIFICATE_PATH,
 * AZURE_FEDERATED_TOKEN_FILE, AZURE_AUTHORITY_HOST, IDENTITY_ENDPOINT …), which keep their
 * standard meaning and are read by azure-identity itself. {@link #toString()} hides the secrets.
 *
 * @param managedIdentityClientId user-assigned managed identity; null for system-assigned
 * @param connectionString        SAS mode: {@code HostName=…;SharedAccessKeyName=…;SharedAccessKey=…}
 * @param sasKeyName              SAS mode with a host that has a port: the policy name
 * @param sasKey                  SAS mode with a host that has a port: the policy key
 */
public record CredentialSettings(CredentialMode mode, String managedIdentityClientId, String connectionString,
                                 String sasKeyName, String sasKey) {

    public CredentialSettings {
        Objects.requireNonNull(mode, "mode");
    }

    public static CredentialSettings of(CredentialMode mode) {
        return new CredentialSettings(mode, null, null, null, null);
    }

    @Override
    public String toString() {
        return "CredentialSettings[mode=" + mode
                + (managedIdentityClientId == null ? "" : ", managedIdentityClientId=" + managedIdentityClientId)
                + (connectionString == null ? "" : ", connectionString=<redacted>")
                + (sasKeyName == null ? "" : ", sasKeyName=" + sasKeyName + ", sasKey=<redacted>") + "]";
    }
}
