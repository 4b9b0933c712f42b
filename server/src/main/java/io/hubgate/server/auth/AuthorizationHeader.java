package io.hubgate.server.auth;

import io.grpc.Metadata;

/** Reads {@code authorization: <scheme> <credential>} metadata; the scheme is case-insensitive (RFC 7235). */
final class AuthorizationHeader {

    static final Metadata.Key<String> KEY = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private AuthorizationHeader() {
    }

    /**
     * @return the credential after {@code scheme} (possibly empty), or null when the header is
     *         absent or uses another scheme
     */
    static String credential(Metadata headers, String scheme) {
        String value = headers.get(KEY);
        if (value == null) {
            return null;
        }
        String trimmed = value.trim();
        // Compares the scheme in place: lower-casing the whole value copied every token per call.
        int length = scheme.length();
        if (!trimmed.regionMatches(true, 0, scheme, 0, length)) {
            return null;
        }
        if (trimmed.length() == length) {
            return "";
        }
        if (trimmed.charAt(length) != ' ') {
            return null;
        }
        return trimmed.substring(length + 1).trim();
    }
}
