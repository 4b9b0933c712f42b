package io.hubgate.server.auth;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;
import io.hubgate.server.errors.GatewayStatus;

import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Lets a call through only when the caller's {@link Principal} (put in the Context by
 * authentication, which runs before this) holds a role the {@link AccessPolicy} names for the
 * method. Otherwise the call is closed with PERMISSION_DENIED naming the role(s) needed, with an
 * {@code ErrorInfo} (reason {@value #REASON}, metadata {@code requiredRoles}), before any message
 * reaches the handler, so a denied call makes no IoT Hub call. Unary and streaming calls alike.
 *
 * <p>It does not authenticate: without a principal the caller is {@link Principal#ANONYMOUS},
 * which holds no role. Thread-safe.
 */
public final class AuthorizationInterceptor implements ServerInterceptor {

    public static final String REASON = GatewayStatus.MISSING_ROLE;

    private final AccessPolicy policy;

    public AuthorizationInterceptor(AccessPolicy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        if (policy.permits(method, AuthContext.current().roles())) {
            return next.startCall(call, headers);
        }
        StatusRuntimeException denied = denial(method, policy.rolesFor(method));
        call.close(denied.getStatus(), denied.getTrailers());
        return new ServerCall.Listener<>() {
        };
    }

    static StatusRuntimeException denial(String method, Set<String> required) {
        Set<String> sorted = new TreeSet<>(required);
        String message = switch (sorted.size()) {
            case 0 -> method + " may not be called by anyone under the access policy";
            case 1 -> method + " needs the role " + sorted.iterator().next();
            default -> method + " needs one of the roles " + String.join(", ", sorted);
        };
        return GatewayStatus.missingRole(method, message, sorted);
    }
}
