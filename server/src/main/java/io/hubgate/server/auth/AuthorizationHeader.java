package io.hubgate.server.auth;

import io.grpc.Metadata;

import java.util.Locale;

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
        String lower = trimmed.toLowerCase(Locale.ROOT);
        String prefix = scheme.toLowerCase(Locale.ROOT);
        if (lower.equals(prefix)) {
            return "";
        }
        if (!lower.startsWith(prefix + " ")) {
            return null;
        }
        return trimmed.substring(prefix.length() + 1).trim();
    }
}
