package io.hubgate.server.auth;

import java.util.Objects;
import java.util.Set;

/**
 * Who is calling, as authentication established it: for handlers, access logs and metrics.
 * Holds no credential.
 *
 * @param subject  a stable name for the caller: the token's {@code sub}/{@code oid}, the
 *                 certificate's subject, or the API key's configured name
 * @param appId    the calling application's client id (tokens), or null
 * @param tenantId the caller's Entra tenant (tokens), or null
 * @param roles    the caller's roles (app roles of a token, or configured for a key or certificate)
 * @param method   how the caller authenticated: {@code jwt}, {@code mtls}, {@code api-key} or {@code anonymous}
 */
public record Principal(String subject, String appId, String tenantId, Set<String> roles, String method) {

    public static final Principal ANONYMOUS = new Principal("anonymous", null, null, Set.of(), "anonymous");

    public Principal {
        Objects.requireNonNull(subject, "subject");
        roles = Set.copyOf(roles);
        Objects.requireNonNull(method, "method");
    }

    /**
     * Who this is, stably across tokens and connections: how they authenticated, their subject and
     * tenant. What a page token is bound to.
     */
    public String identity() {
        return method + "\u0000" + subject + "\u0000" + (tenantId == null ? "" : tenantId);
    }

    /** For logs: method and subject, plus the app id when there is one. */
    public String describe() {
        return method + ":" + subject + (appId == null || appId.equals(subject) ? "" : " (app " + appId + ")");
    }
}
