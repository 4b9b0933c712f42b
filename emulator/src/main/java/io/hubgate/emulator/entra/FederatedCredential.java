package io.hubgate.emulator.entra;

import java.util.Objects;

/**
 * A federated identity credential of an application: an outside token whose issuer, subject and
 * audience all match is accepted as the application's client assertion (workload identity).
 */
record FederatedCredential(String issuer, String subject, String audience) {

    /** The audience Entra expects in federated tokens. */
    public static final String DEFAULT_AUDIENCE = "api://AzureADTokenExchange";

    public FederatedCredential {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(subject, "subject");
        audience = audience == null ? DEFAULT_AUDIENCE : audience;
    }
}
