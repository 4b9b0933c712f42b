package io.hubgate.server.auth;

/**
 * A caller presented a credential and it was refused. The message is safe to send back to the
 * caller and to log: it names what was wrong, never the credential or any key material. The
 * {@link Reason} becomes the ErrorInfo reason of the UNAUTHENTICATED answer, so a client can tell
 * the cases apart without reading English.
 */
public final class AuthenticationFailure extends Exception {

    /** Why a credential was refused: the ErrorInfo reasons of UNAUTHENTICATED (domain hubgate.io). */
    public enum Reason {
        /** No credential of any kind the gateway accepts. */
        CREDENTIALS_MISSING,
        /** More than one per-call credential ({@code authorization} and {@code x-api-key} headers, of any kind): which one counts would be a guess. */
        CREDENTIALS_AMBIGUOUS,
        /** An {@code authorization} scheme (or {@code x-api-key}) this gateway is not configured to accept. */
        CREDENTIALS_UNSUPPORTED,
        /** A bearer token that was valid once, and its {@code exp} (with the clock skew) has passed. */
        TOKEN_EXPIRED,
        /**
         * A bearer token meant to live longer than the gateway accepts ({@code exp} more than
         * {@code --jwt-max-lifetime} after its {@code iat}, or after now when it has none).
         */
        TOKEN_LIFETIME_TOO_LONG,
        /** Any other bad bearer token: malformed, badly signed, wrong issuer, audience or tenant, not yet valid. */
        TOKEN_INVALID,
        /** The issuer's signing keys could not be fetched, so no token can be verified now: try again later. */
        ISSUER_KEYS_UNAVAILABLE,
        /** An API key that is empty or unknown. */
        API_KEY_INVALID,
        /** An API key that is configured, and revoked. */
        API_KEY_REVOKED,
        /** A trusted client certificate that names no caller. */
        CLIENT_CERTIFICATE_INVALID
    }

    private final Reason reason;

    public AuthenticationFailure(Reason reason, String safeMessage) {
        super(safeMessage);
        this.reason = reason;
    }

    public AuthenticationFailure(Reason reason, String safeMessage, Throwable cause) {
        super(safeMessage, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
