package io.hubgate.server.config;

import java.util.Locale;

/** How the gateway proves its identity to IoT Hub. The names are the CLI and environment values. */
public enum CredentialMode {
    /** azure-identity's DefaultAzureCredential: environment, workload identity, managed identity, CLI … */
    DEFAULT("default"),
    /** A system-assigned managed identity, or a user-assigned one with a client id. */
    MANAGED_IDENTITY("managed-identity"),
    /** An app registration's client secret (AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET). */
    CLIENT_SECRET("client-secret"),
    /** An app registration's certificate (AZURE_CLIENT_CERTIFICATE_PATH). */
    CLIENT_CERTIFICATE("client-certificate"),
    /** Workload identity federation (AZURE_FEDERATED_TOKEN_FILE), as on Kubernetes. */
    WORKLOAD_IDENTITY("workload-identity"),
    /** A shared access policy key: a connection string, or a key name and key. */
    SAS("sas");

    private final String wireName;

    CredentialMode(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** Parses a CLI or environment value; null when unknown. */
    public static CredentialMode parse(String text) {
        if (text == null) {
            return null;
        }
        String normalized = text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (CredentialMode mode : values()) {
            if (mode.wireName.equals(normalized)) {
                return mode;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return wireName;
    }
}
