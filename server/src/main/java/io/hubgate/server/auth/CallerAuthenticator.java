package io.hubgate.server.auth;

import io.grpc.Metadata;

import javax.net.ssl.SSLSession;

/**
 * One kind of caller credential (a bearer JWT, a client certificate, an API key). Implementations
 * are thread-safe: one instance serves every call.
 */
public interface CallerAuthenticator {

    /**
     * @param headers the call's metadata
     * @param tls     the call's TLS session, or null on plaintext
     * @return the caller, or null when the call carries no credential of this kind
     * @throws AuthenticationFailure when it carries one and that one is bad
     */
    Principal authenticate(Metadata headers, SSLSession tls) throws AuthenticationFailure;

    /**
     * The per-call credentials this kind reads, as {@link PerCallCredential} names them
     * ({@code "authorization: bearer"}, {@code "x-api-key"}); none for a connection's certificate.
     */
    default java.util.Set<String> perCallKinds() {
        return java.util.Set.of();
    }

    /** The {@code WWW-Authenticate}-style challenge naming this kind, for callers that sent nothing. */
    String challenge();
}
