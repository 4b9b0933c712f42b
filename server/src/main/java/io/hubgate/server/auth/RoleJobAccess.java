package io.hubgate.server.auth;

import io.hubgate.api.v1.JobType;
import io.hubgate.server.api.JobAccess;

import java.util.Set;

/**
 * A job acts on twins or on devices' methods, so it takes the role that action takes on its
 * own: a twin-update job {@link Roles#TWIN_WRITE}, a method job {@link Roles#METHOD_INVOKE}.
 * A refusal has the same shape as the authorization interceptor's (PERMISSION_DENIED, reason
 * {@value AuthorizationInterceptor#REASON}). Stateless.
 *
 * <p>Cancelling names an existing job, whose type the gateway must read to choose the role; the
 * answer (NOT_FOUND, or a refusal naming the other type's role) would tell the caller whether
 * the job exists and what it does. That is no secret to a caller who may read jobs
 * ({@link Roles#TWIN_READ}), nor to one who may cancel any job (both action roles); anyone else is
 * refused before the job is read, with one answer for every job id, missing or not.
 */
public final class RoleJobAccess implements JobAccess {

    @Override
    public Caller caller() {
        Set<String> roles = AuthContext.current().roles();
        return new Caller() {
            @Override
            public void requireFor(JobType type, String method) {
                boolean invokes = type == JobType.JOB_TYPE_METHOD_INVOCATION;
                String needed = invokes ? Roles.METHOD_INVOKE : Roles.TWIN_WRITE;
                if (!roles.contains(needed)) {
                    throw AuthorizationInterceptor.denial(method + (invokes ? " of a method-invocation job"
                            : " of a twin-update job"), Set.of(needed));
                }
            }

            @Override
            public void requireToLookUp(String method) {
                boolean mayCancelAny = roles.contains(Roles.TWIN_WRITE) && roles.contains(Roles.METHOD_INVOKE);
                if (!mayCancelAny && !roles.contains(Roles.TWIN_READ)) {
                    throw AuthorizationInterceptor.denial(method + " without both " + Roles.TWIN_WRITE + " and "
                            + Roles.METHOD_INVOKE + " (which may cancel any job)", Set.of(Roles.TWIN_READ));
                }
            }
        };
    }
}
