package io.hubgate.emulator.entra;

/** Something tokens are issued to: an application's service principal or a managed identity. */
sealed interface EntraPrincipal permits EntraApplication, ManagedIdentity {

    String displayName();

    /** The {@code appid} / {@code azp} of its tokens. */
    String clientId();

    /** The {@code oid} and {@code sub} of its tokens, and the key of its role assignments. */
    String objectId();
}
