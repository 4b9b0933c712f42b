package io.hubgate.server.auth;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

import javax.net.ssl.SSLSession;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Establishes who is calling, and nothing else: asks the authenticators in their fixed order
 * (per-call credentials before the connection's certificate) and puts the first principal found
 * into the {@link Context}. A bad credential ends the call UNAUTHENTICATED with its safe reason;
 * it does not fall through to the next kind. No credential at all ends it UNAUTHENTICATED with a
 * {@code WWW-Authenticate}-style hint. Unary and streaming calls alike: nothing reaches the
 * handler before this succeeds.
 */
public final class AuthenticationInterceptor implements ServerInterceptor {

    private final List<CallerAuthenticator> authenticators;
    private final String challenge;

    public AuthenticationInterceptor(List<CallerAuthenticator> authenticators) {
        if (authenticators.isEmpty()) {
            throw new IllegalArgumentException("no authenticator configured");
        }
        this.authenticators = List.copyOf(authenticators);
        this.challenge = authenticators.stream().map(CallerAuthenticator::challenge).collect(Collectors.joining(", or "));
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        SSLSession tls = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
        try {
            for (CallerAuthenticator authenticator : authenticators) {
                Principal principal = authenticator.authenticate(headers, tls);
                if (principal != null) {
                    Context authenticated = Context.current().withValue(AuthContext.PRINCIPAL, principal);
                    return Contexts.interceptCall(authenticated, closingAs(authenticated, call), headers, next);
                }
            }
            return reject(call, "no credentials; send " + challenge);
        } catch (AuthenticationFailure refused) {
            return reject(call, refused.getMessage() + " (WWW-Authenticate: Bearer realm=\"hubgate\", error=\"invalid_token\")");
        }
    }

    /**
     * Handlers may close the call from an executor thread outside the call's context; closing
     * inside it lets the interceptors outside this one (the access log) see who called.
     */
    private static <Q, R> ServerCall<Q, R> closingAs(Context authenticated, ServerCall<Q, R> call) {
        return new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                Context previous = authenticated.attach();
                try {
                    super.close(status, trailers);
                } finally {
                    authenticated.detach(previous);
                }
            }
        };
    }

    private static <Q, R> ServerCall.Listener<Q> reject(ServerCall<Q, R> call, String description) {
        call.close(Status.UNAUTHENTICATED.withDescription(description), new Metadata());
        return new ServerCall.Listener<>() {
        };
    }
}
