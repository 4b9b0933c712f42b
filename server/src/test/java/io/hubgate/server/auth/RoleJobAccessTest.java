package io.hubgate.server.auth;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.hubgate.api.v1.JobType;
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
    void cancelling_byACallerWhoCannotReadJobs_refusesAMissingJobAsAJobOfTheOtherAction() {
        JobAccess.Caller twinWriter = callerWith(Roles.TWIN_WRITE);
        StatusRuntimeException missing = refusal(() -> twinWriter.requireToCancel(null, CANCEL));
        StatusRuntimeException otherAction = refusal(() -> twinWriter.requireToCancel(JobType.JOB_TYPE_METHOD_INVOCATION, CANCEL));

        assertThat(missing.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(otherAction.getStatus().getDescription()).isEqualTo(missing.getStatus().getDescription());
        assertThat(Statuses.errorInfo(otherAction)).isEqualTo(Statuses.errorInfo(missing));
        assertThat(Statuses.errorInfo(missing).getMetadataMap()).containsEntry("requiredRoles", Roles.METHOD_INVOKE);
        assertThatCode(() -> twinWriter.requireToCancel(JobType.JOB_TYPE_TWIN_UPDATE, CANCEL)).doesNotThrowAnyException();

        JobAccess.Caller invoker = callerWith(Roles.METHOD_INVOKE);
        assertThat(Statuses.errorInfo(refusal(() -> invoker.requireToCancel(null, CANCEL))).getMetadataMap())
                .containsEntry("requiredRoles", Roles.TWIN_WRITE);
        assertThat(refusal(() -> invoker.requireToCancel(JobType.JOB_TYPE_TWIN_UPDATE, CANCEL)).getStatus().getDescription())
                .contains("not a method-invocation job");
        assertThatCode(() -> invoker.requireToCancel(JobType.JOB_TYPE_METHOD_INVOCATION, CANCEL)).doesNotThrowAnyException();
    }

    @Test
    void cancelling_byACallerWhoMayKnow_isToldOfAMissingJob_andOfTheRoleTheOtherActionTakes() {
        for (JobAccess.Caller knowing : java.util.List.of(callerWith(Roles.TWIN_WRITE, Roles.TWIN_READ),
                callerWith(Roles.TWIN_WRITE, Roles.METHOD_INVOKE))) {
            assertThatCode(() -> knowing.requireToCancel(null, CANCEL)).doesNotThrowAnyException();
            assertThatCode(() -> knowing.requireToCancel(JobType.JOB_TYPE_TWIN_UPDATE, CANCEL)).doesNotThrowAnyException();
        }
        StatusRuntimeException denied = refusal(() -> callerWith(Roles.TWIN_WRITE, Roles.TWIN_READ)
                .requireToCancel(JobType.JOB_TYPE_METHOD_INVOCATION, CANCEL));
        assertThat(denied.getStatus().getDescription()).contains("of a method-invocation job");
        assertThatCode(() -> callerWith(Roles.METHOD_INVOKE, Roles.TWIN_READ).requireToCancel(null, CANCEL))
                .doesNotThrowAnyException();
    }
}
