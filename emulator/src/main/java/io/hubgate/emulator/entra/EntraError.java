package io.hubgate.emulator.entra;

import java.util.Map;

/**
 * A token request Entra refuses: the OAuth error ({@code invalid_client} …), the AADSTS number and
 * its description, and the HTTP status. {@link EntraResponses} turns it into Entra's error body.
 * The description goes to the client, so it never holds a secret or an assertion.
 */
final class EntraError extends RuntimeException {

    private final int status;
    private final String error;
    private final int code;
    private final Map<String, String> headers;

    public EntraError(int status, String error, int code, String description) {
        this(status, error, code, description, Map.of());
    }

    public EntraError(int status, String error, int code, String description, Map<String, String> headers) {
        super(description, null, false, false);
        this.status = status;
        this.error = error;
        this.code = code;
        this.headers = Map.copyOf(headers);
    }

    public int status() {
        return status;
    }

    /** The OAuth 2.0 error, e.g. {@code invalid_client}. */
    public String error() {
        return error;
    }

    /** The AADSTS number, e.g. 7000215. */
    public int code() {
        return code;
    }

    public Map<String, String> headers() {
        return headers;
    }

    static EntraError invalidRequest(int code, String description) {
        return new EntraError(400, "invalid_request", code, description);
    }

    static EntraError invalidClient(int code, String description) {
        return new EntraError(401, "invalid_client", code, description);
    }

    static EntraError missingParameter(String name) {
        return invalidRequest(900144, "The request body must contain the following parameter: '" + name + "'.");
    }
}
