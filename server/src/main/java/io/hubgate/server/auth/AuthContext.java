package io.hubgate.server.auth;

import io.grpc.Context;

/** Where the authenticated {@link Principal} lives for the duration of a call. */
public final class AuthContext {

    public static final Context.Key<Principal> PRINCIPAL = Context.key("hubgate-principal");

    private AuthContext() {
    }

    /** The current call's principal, or {@link Principal#ANONYMOUS} outside an authenticated call. */
    public static Principal current() {
        Principal principal = PRINCIPAL.get();
        return principal == null ? Principal.ANONYMOUS : principal;
    }
}
