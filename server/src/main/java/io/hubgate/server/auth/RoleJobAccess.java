package io.hubgate.server.auth;

import io.hubgate.api.v1.JobType;

import java.util.Set;

/**
 * A job acts on twins or on devices' methods, so it takes the role that action takes on its
 * own: a twin-update job {@link Roles#TWIN_WRITE}, a method job {@link Roles#METHOD_INVOKE}.
 * A refusal has the same shape as the authorization interceptor's (PERMISSION_DENIED, reason
 * {@value AuthorizationInterceptor#REASON}). Stateless.
 */
public final class RoleJobAccess implements JobAccess {

    @Override
    public Caller caller() {
        Set<String> roles = AuthContext.current().roles();
        return (type, method) -> {
            String needed = type == JobType.JOB_TYPE_METHOD_INVOCATION ? Roles.METHOD_INVOKE : Roles.TWIN_WRITE;
            if (!roles.contains(needed)) {
                String what = type == JobType.JOB_TYPE_METHOD_INVOCATION ? " of a method-invocation job" : " of a twin-update job";
                throw AuthorizationInterceptor.denial(method + what, Set.of(needed));
            }
        };
    }
}
