package io.hubgate.server.auth;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;
import io.hubgate.server.errors.GatewayStatus;

import javax.net.ssl.SSLSession;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Establishes who is calling, and nothing else: asks the authenticators in their fixed order
 * (per-call credentials before the connection's certificate) and puts the first principal found
 * into the {@link Context}. A call may carry one per-call credential of a kind some authenticator
 * reads ({@link PerCallCredential}). A bad credential ends the call UNAUTHENTICATED with its safe reason;
 * it does not fall through to the next kind. No credential at all ends it UNAUTHENTICATED with a
 * {@code WWW-Authenticate}-style hint. Every refusal carries an ErrorInfo whose reason is the
 * {@link AuthenticationFailure.Reason}. Unary and streaming calls alike: nothing reaches the
 * handler before this succeeds.
 */
public final class AuthenticationInterceptor implements ServerInterceptor {

    private final List<CallerAuthenticator> authenticators;
    private final String challenge;
    private final Set<String> perCallKinds;

    public AuthenticationInterceptor(List<CallerAuthenticator> authenticators) {
        if (authenticators.isEmpty()) {
            throw new IllegalArgumentException("no authenticator configured");
        }
        this.authenticators = List.copyOf(authenticators);
        this.perCallKinds = authenticators.stream().flatMap(a -> a.perCallKinds().stream()).collect(Collectors.toUnmodifiableSet());
        this.challenge = authenticators.stream().map(CallerAuthenticator::challenge).collect(Collectors.joining(", or "));
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        SSLSession tls = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
        try {
            PerCallCredential.kind(headers, perCallKinds);
            for (CallerAuthenticator authenticator : authenticators) {
                Principal principal = authenticator.authenticate(headers, tls);
                if (principal != null) {
                    return Contexts.interceptCall(AuthContext.authenticated(principal), call, headers, next);
                }
            }
            return reject(call, AuthenticationFailure.Reason.CREDENTIALS_MISSING, "no credentials; send " + challenge);
        } catch (AuthenticationFailure refused) {
            return reject(call, refused.reason(), refused.getMessage() + hint(refused.reason()));
        }
    }

    /**
     * What the caller fixes: a refused bearer token gets the bearer challenge with
     * {@code error="invalid_token"}; any other refusal (an API key, a certificate, a credential
     * of a kind not accepted, two of them) the credentials this gateway accepts.
     */
    private String hint(AuthenticationFailure.Reason reason) {
        return switch (reason) {
            case TOKEN_EXPIRED, TOKEN_INVALID -> " (WWW-Authenticate: Bearer realm=\"hubgate\", error=\"invalid_token\")";
            case ISSUER_KEYS_UNAVAILABLE -> " (WWW-Authenticate: Bearer realm=\"hubgate\")";
            default -> " (accepted: " + challenge + ")";
        };
    }

    private static <Q, R> ServerCall.Listener<Q> reject(ServerCall<Q, R> call, AuthenticationFailure.Reason reason,
                                                        String description) {
        StatusRuntimeException refused = GatewayStatus.unauthenticated(reason.name(), description);
        call.close(refused.getStatus(), refused.getTrailers());
        return new ServerCall.Listener<>() {
        };
    }
}
