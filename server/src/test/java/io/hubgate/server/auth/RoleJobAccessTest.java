package io.hubgate.server.auth;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.hubgate.api.v1.JobType;
import io.hubgate.server.api.JobAccess;
import io.hubgate.server.support.Statuses;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * Which caller may create or cancel which job, decided on the roles of the principal that
 * authentication put in the call's context (here put there as authentication does); the
 * gateway-level flows are in JobServiceTest.
 */
class RoleJobAccessTest {

    private static final String CANCEL = "hubgate.v1.JobService/CancelJob";

    private static JobAccess.Caller callerWith(String... roles) {
        Principal principal = new Principal("subject", "app", "tenant", Set.of(roles), "jwt");
        try {
            return AuthContext.authenticated(principal).call(() -> new RoleJobAccess().caller());
        } catch (Exception unexpected) {
            throw new AssertionError(unexpected);
        }
    }

    private static StatusRuntimeException refusal(Runnable check) {
        return Statuses.failureOf(() -> {
            check.run();
            return null;
        });
    }

    @Test
    void aMethodJob_takesMethodInvoke_andTheRefusalSaysWhichKindOfJob() {
        StatusRuntimeException denied = refusal(() -> callerWith(Roles.TWIN_WRITE, Roles.TWIN_READ)
                .requireFor(JobType.JOB_TYPE_METHOD_INVOCATION, CANCEL));

        assertThat(denied.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(denied.getStatus().getDescription()).contains("of a method-invocation job").contains(Roles.METHOD_INVOKE);
        assertThat(Statuses.errorInfo(denied).getMetadataMap()).containsEntry("requiredRoles", Roles.METHOD_INVOKE);
        assertThatCode(() -> callerWith(Roles.METHOD_INVOKE).requireFor(JobType.JOB_TYPE_METHOD_INVOCATION, CANCEL))
                .doesNotThrowAnyException();
    }

    @Test
    void aTwinJob_takesTwinWrite_andTheRefusalSaysWhichKindOfJob() {
        StatusRuntimeException denied = refusal(() -> callerWith(Roles.METHOD_INVOKE)
                .requireFor(JobType.JOB_TYPE_TWIN_UPDATE, CANCEL));

        assertThat(denied.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(denied.getStatus().getDescription()).contains("of a twin-update job").contains(Roles.TWIN_WRITE);
        assertThat(Statuses.errorInfo(denied).getMetadataMap()).containsEntry("requiredRoles", Roles.TWIN_WRITE);
        assertThatCode(() -> callerWith(Roles.TWIN_WRITE).requireFor(JobType.JOB_TYPE_TWIN_UPDATE, CANCEL))
                .doesNotThrowAnyException();
    }

    @Test
    void theRolesAreThoseOfTheCallWhenCaptured_notOfWhoeverChecksLater() {
        JobAccess.Caller writer = callerWith(Roles.TWIN_WRITE);

        Context.current().run(() -> assertThatCode(() -> writer.requireFor(JobType.JOB_TYPE_TWIN_UPDATE, CANCEL))
                .doesNotThrowAnyException());
    }

    @Test
    void lookingUpAJob_isRefusedOnlyToACallerWhoCouldNeitherReadItNorCancelEveryKind() {
        StatusRuntimeException oneActionOnly = refusal(() -> callerWith(Roles.TWIN_WRITE).requireToLookUp(CANCEL));
        StatusRuntimeException otherActionOnly = refusal(() -> callerWith(Roles.METHOD_INVOKE).requireToLookUp(CANCEL));

        assertThat(oneActionOnly.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(Statuses.errorInfo(oneActionOnly).getMetadataMap()).containsEntry("requiredRoles", Roles.TWIN_READ);
        assertThat(otherActionOnly.getStatus().getDescription()).isEqualTo(oneActionOnly.getStatus().getDescription());
        assertThatCode(() -> callerWith(Roles.TWIN_WRITE, Roles.TWIN_READ).requireToLookUp(CANCEL)).doesNotThrowAnyException();
        assertThatCode(() -> callerWith(Roles.METHOD_INVOKE, Roles.TWIN_READ).requireToLookUp(CANCEL)).doesNotThrowAnyException();
        assertThatCode(() -> callerWith(Roles.TWIN_WRITE, Roles.METHOD_INVOKE).requireToLookUp(CANCEL)).doesNotThrowAnyException();
    }
}
