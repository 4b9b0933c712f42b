package io.hubgate.server.auth;

/**
 * A caller presented a credential and it was refused. The message is safe to send back to the
 * caller and to log: it names what was wrong, never the credential or any key material.
 */
public final class AuthenticationFailure extends Exception {

    public AuthenticationFailure(String safeReason) {
        super(safeReason);
    }

    public AuthenticationFailure(String safeReason, Throwable cause) {
        super(safeReason, cause);
    }
}
