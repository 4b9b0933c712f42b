package io.hubgate.server.auth;

import io.hubgate.api.v1.JobType;

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
 * ({@link Roles#TWIN_READ}), nor to one who may cancel any job (both action roles). Anyone else
 * holds one action role: it may cancel the jobs of that action (and so learns of those), while a
 * missing job and a job of the other action get one refusal, naming the role it lacks.
 */
public final class RoleJobAccess implements JobAccess {

    @Override
    public Caller caller() {
        Set<String> roles = AuthContext.current().roles();
        return new Caller() {
            @Override
            public void requireFor(JobType type, String method) {
                boolean invokes = type == JobType.JOB_TYPE_METHOD_INVOCATION;
                if (!roles.contains(needed(type))) {
                    throw AuthorizationInterceptor.denial(method + (invokes ? " of a method-invocation job"
                            : " of a twin-update job"), Set.of(needed(type)));
                }
            }

            @Override
            public void requireToCancel(JobType type, String method) {
                boolean mayKnow = roles.contains(Roles.TWIN_READ)
                        || (roles.contains(Roles.TWIN_WRITE) && roles.contains(Roles.METHOD_INVOKE));
                if (mayKnow) {
                    if (type != null) {
                        requireFor(type, method);
                    }
                    return;
                }
                String held = roles.contains(Roles.TWIN_WRITE) ? Roles.TWIN_WRITE : Roles.METHOD_INVOKE;
                if (type == null || !roles.contains(needed(type))) {
                    String lacking = held.equals(Roles.TWIN_WRITE) ? Roles.METHOD_INVOKE : Roles.TWIN_WRITE;
                    throw AuthorizationInterceptor.denial(method + " of a job that is not a "
                            + (held.equals(Roles.TWIN_WRITE) ? "twin-update" : "method-invocation")
                            + " job, or does not exist (" + Roles.TWIN_READ + " would tell which)", Set.of(lacking));
                }
            }
        };
    }

    private static String needed(JobType type) {
        return type == JobType.JOB_TYPE_METHOD_INVOCATION ? Roles.METHOD_INVOKE : Roles.TWIN_WRITE;
    }
}
