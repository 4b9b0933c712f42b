package io.hubgate.server.support;

import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.hubgate.server.auth.AuthContext;
import io.hubgate.server.auth.Principal;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * TEST ONLY, never a credential: stands in for authentication by trusting the caller's
 * {@value #HEADER} header (comma-separated roles, possibly empty) and putting a principal with
 * those roles in the Context. Without the header the caller stays anonymous. It lets
 * authorization be tested over a real socket before real authentication exists.
 */
public final class HeaderPrincipal implements ServerInterceptor {

    public static final String HEADER = "x-test-roles";
    private static final Metadata.Key<String> KEY = Metadata.Key.of(HEADER, Metadata.ASCII_STRING_MARSHALLER);

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String roles = headers.get(KEY);
        if (roles == null) {
            return next.startCall(call, headers);
        }
        Principal principal = new Principal("test-caller", null, null, parse(roles), "test");
        return Contexts.interceptCall(AuthContext.authenticated(principal), call, headers, next);
    }

    /** The header that makes a call carry {@code roles}. */
    public static Metadata headerFor(Set<String> roles) {
        Metadata metadata = new Metadata();
        metadata.put(KEY, String.join(",", roles));
        return metadata;
    }

    private static Set<String> parse(String roles) {
        return Arrays.stream(roles.split(",")).map(String::trim).filter(r -> !r.isEmpty()).collect(Collectors.toSet());
    }
}
