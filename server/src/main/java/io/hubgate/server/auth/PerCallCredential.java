package io.hubgate.server.auth;

import io.grpc.Metadata;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Finds the one per-call credential a call carries, before any authenticator judges it: the
 * {@code authorization} header (any scheme) or {@code x-api-key}. Two of them, of whatever kinds,
 * are refused (which one counts would be a guess, and a bad one must never be skipped because a
 * good one sits beside it); so is a scheme the gateway does not accept, and an accepted scheme not
 * followed by exactly one space, and a credential header in a form the gateway does not read
 * ({@code authorization-bin}, {@code x-api-key-bin}: gRPC's binary metadata, which an intermediary
 * or another server might honour, so ignoring it would serve a call on a credential other than
 * the one its sender meant, or answer "no credentials" to a caller who sent one). It does not check the credential itself (the authenticator of
 * its kind does), nor the TLS client certificate, which belongs to the connection and may sit
 * beside any per-call credential.
 */
final class PerCallCredential {

    /** The kind for {@code x-api-key}. */
    static final String X_API_KEY = "x-api-key";
    /** Kinds of the {@code authorization} header are this prefix and the scheme in lower case. */
    static final String AUTHORIZATION = "authorization: ";

    /**
     * Schemes a refusal may name: registered or widely used ones, so that what the caller sent
     * before the first space (which may be a credential glued to a scheme) is never echoed.
     */
    private static final Set<String> NAMEABLE_SCHEMES = Set.of("basic", "bearer", "digest", "dpop", "gnap", "hoba", "mutual",
            "negotiate", "ntlm", "oauth", "privatetoken", "scram-sha-1", "scram-sha-256", "vapid", "concealed", "apikey",
            "token", "sharedaccesssignature", "aws4-hmac-sha256");

    /** Binary spellings of the credential headers: never read, always refused (alone or beside another). */
    private static final List<Metadata.Key<byte[]>> UNREADABLE = List.of(
            Metadata.Key.of("authorization-bin", Metadata.BINARY_BYTE_MARSHALLER),
            Metadata.Key.of("x-api-key-bin", Metadata.BINARY_BYTE_MARSHALLER));

    private PerCallCredential() {
    }

    /**
     * @param accepted the kinds the configured authenticators read ({@link CallerAuthenticator#perCallKinds()})
     * @return the kind of the one per-call credential ({@value #X_API_KEY} or
     *         {@value #AUTHORIZATION}{@code <scheme>}), or null when the call carries none
     * @throws AuthenticationFailure when it carries two, an unaccepted kind, or a misspelt scheme
     */
    static String kind(Metadata headers, Set<String> accepted) throws AuthenticationFailure {
        int authorizations = count(headers, AuthorizationHeader.KEY);
        int apiKeys = count(headers, ApiKeyAuthenticator.HEADER);
        int unreadable = 0;
        String unreadableName = null;
        for (Metadata.Key<byte[]> key : UNREADABLE) {
            int found = count(headers, key);
            if (found > 0) {
                unreadable += found;
                unreadableName = key.name();
            }
        }
        if (authorizations + apiKeys + unreadable > 1) {
            throw new AuthenticationFailure(AuthenticationFailure.Reason.CREDENTIALS_AMBIGUOUS, "the call carries "
                    + (authorizations + apiKeys + unreadable) + " credentials (" + authorizations + " authorization, "
                    + apiKeys + " x-api-key, " + unreadable + " authorization-bin/x-api-key-bin header(s)); send exactly one");
        }
        if (unreadable == 1) {
            throw unsupported("the " + unreadableName + " header: this gateway reads credentials only from the ASCII"
                    + " authorization and x-api-key headers");
        }
        if (apiKeys == 1) {
            if (!accepted.contains(X_API_KEY)) {
                throw unsupported("x-api-key: this gateway is not configured with API keys");
            }
            return X_API_KEY;
        }
        if (authorizations == 0) {
            return null;
        }
        String value = headers.get(AuthorizationHeader.KEY);
        String spelled = value.stripLeading();
        int end = 0;
        while (end < spelled.length() && !Character.isWhitespace(spelled.charAt(end))) {
            end++;
        }
        String scheme = spelled.substring(0, end).toLowerCase(Locale.ROOT);
        String kind = AUTHORIZATION + scheme;
        if (!accepted.contains(kind)) {
            throw unsupported(NAMEABLE_SCHEMES.contains(scheme)
                    ? "the authorization scheme '" + spelled.substring(0, end) + "' is not accepted by this gateway"
                    : "the authorization header's scheme is not one this gateway knows");
        }
        boolean oneSpaceOrNothing = end == spelled.length() || spelled.charAt(end) == ' ';
        if (spelled.length() != value.length() || !oneSpaceOrNothing) {
            throw new AuthenticationFailure(malformed(scheme), "the authorization header must be the scheme, one space and"
                    + " the credential, with no whitespace before the scheme and no tab after it");
        }
        return kind;
    }

    private static AuthenticationFailure.Reason malformed(String scheme) {
        return scheme.equals("bearer") ? AuthenticationFailure.Reason.TOKEN_INVALID : AuthenticationFailure.Reason.API_KEY_INVALID;
    }

    private static AuthenticationFailure unsupported(String what) {
        return new AuthenticationFailure(AuthenticationFailure.Reason.CREDENTIALS_UNSUPPORTED, what);
    }

    private static <T> int count(Metadata headers, Metadata.Key<T> key) {
        Iterable<T> values = headers.getAll(key);
        int count = 0;
        if (values != null) {
            for (T ignored : values) {
                count++;
            }
        }
        return count;
    }
}
