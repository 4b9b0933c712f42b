package io.hubgate.server.auth;


/**
 * Device and module keys are for {@link Roles#KEYS_READ} holders only: the current call's
 * principal must hold that role for IDENTITY_VIEW_WITH_KEYS to be served. Stateless.
 */
public final class RoleKeyAccess implements KeyAccess {

    @Override
    public boolean mayReadKeys() {
        return AuthContext.current().roles().contains(Roles.KEYS_READ);
    }

    @Override
    public String requiredRole() {
        return Roles.KEYS_READ;
    }
}
