package io.hubgate.server.auth;

import io.hubgate.api.v1.JobType;

/**
 * Decides whether the caller of the current gRPC call may create or cancel a job of a given
 * type: the access policy admits a caller to CreateJob and CancelJob; what the job does decides
 * which role it takes (a twin update needs the twin-writing role, a method invocation the
 * method-invoking one). Caller authorization supplies the real rule; without it anyone may.
 */
public interface JobAccess {

    /**
     * What the current caller may do, captured on the gRPC thread (the call's Context) so that it
     * can be checked later on any thread.
     */
    Caller caller();

    /** One caller's permissions. */
    interface Caller {
        /**
         * @param method the RPC, for the refusal's message
         * @throws io.grpc.StatusRuntimeException PERMISSION_DENIED naming the role needed
         */
        void requireFor(JobType type, String method);

        /**
         * Whether the caller may cancel a job of {@code type}, or, when {@code type} is null, be
         * told that the job does not exist: a caller who may not read jobs gets the same refusal
         * for a missing job as for one whose action it may not touch (see RoleJobAccess).
         *
         * @throws io.grpc.StatusRuntimeException PERMISSION_DENIED naming the role needed
         */
        void requireToCancel(JobType type, String method);
    }

    JobAccess ANYONE = () -> new Caller() {
        @Override
        public void requireFor(JobType type, String method) {
        }

        @Override
        public void requireToCancel(JobType type, String method) {
        }
    };
}
