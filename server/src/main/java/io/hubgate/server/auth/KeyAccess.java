package io.hubgate.server.auth;

/**
 * Decides whether the current caller may see symmetric keys (IDENTITY_VIEW_WITH_KEYS). Caller
 * authorization supplies the real rule; without it every caller may.
 */
@FunctionalInterface
public interface KeyAccess {

    /** True when the caller of the current gRPC call may read keys. */
    boolean mayReadKeys();

    /** The role that would let the caller read keys, named in a denial. */
    default String requiredRole() {
        return "Keys.Read";
    }

    KeyAccess ANYONE = () -> true;
}
