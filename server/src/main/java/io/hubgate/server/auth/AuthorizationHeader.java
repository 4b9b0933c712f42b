package io.hubgate.server.auth;

import io.grpc.Metadata;

/**
 * Reads {@code authorization: <scheme> <credential>} metadata strictly: exactly one such header
 * (two would leave which one counts to chance), the scheme case-insensitive (RFC 7235), then one
 * space and the credential, with nothing around it.
 */
final class AuthorizationHeader {

    static final Metadata.Key<String> KEY = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private AuthorizationHeader() {
    }

    /**
     * @return the credential after {@code scheme} and one space (possibly empty), or null when
     *         the header is absent or uses another scheme
     * @throws AuthenticationFailure when the header is sent more than once
     */
    static String credential(Metadata headers, String scheme) throws AuthenticationFailure {
        String value = single(headers, KEY);
        if (value == null) {
            return null;
        }
        // Compares the scheme in place: lower-casing the whole value copied every token per call.
        int length = scheme.length();
        if (!value.regionMatches(true, 0, scheme, 0, length)) {
            return null;
        }
        if (value.length() == length) {
            return "";
        }
        if (value.charAt(length) != ' ') {
            return null;
        }
        return value.substring(length + 1);
    }

    /** The one value of {@code key}, null when absent; refused when sent more than once. */
    static String single(Metadata headers, Metadata.Key<String> key) throws AuthenticationFailure {
        Iterable<String> values = headers.getAll(key);
        if (values == null) {
            return null;
        }
        var iterator = values.iterator();
        String value = iterator.next();
        if (iterator.hasNext()) {
            throw new AuthenticationFailure(AuthenticationFailure.Reason.CREDENTIALS_AMBIGUOUS,
                    "the " + key.name() + " header was sent more than once; send exactly one");
        }
        return value;
    }
}
