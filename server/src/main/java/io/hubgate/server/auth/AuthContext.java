package io.hubgate.server.auth;

import io.grpc.Context;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Where the authenticated {@link Principal} lives for the duration of a call, and where
 * authentication records it for the access log, which runs outside authentication and so cannot
 * see the principal's {@link Context}.
 */
public final class AuthContext {

    public static final Context.Key<Principal> PRINCIPAL = Context.key("hubgate-principal");
    private static final Context.Key<AtomicReference<Principal>> RECORD = Context.key("hubgate-principal-record");

    private AuthContext() {
    }

    /** The current call's principal, or {@link Principal#ANONYMOUS} outside an authenticated call. */
    public static Principal current() {
        Principal principal = PRINCIPAL.get();
        return principal == null ? Principal.ANONYMOUS : principal;
    }

    /**
     * The current context with {@code principal} as the caller; also records it where an
     * enclosing {@link #recording} context asked for it.
     */
    public static Context authenticated(Principal principal) {
        AtomicReference<Principal> record = RECORD.get();
        if (record != null) {
            record.set(principal);
        }
        return Context.current().withValue(PRINCIPAL, principal);
    }

    /** A context in which authentication will record the caller into {@code record}. */
    public static Context recording(AtomicReference<Principal> record) {
        return Context.current().withValue(RECORD, record);
    }
}
