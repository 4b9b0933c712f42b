package io.hubgate.server;

import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.hubgate.api.v1.CancelJobRequest;
import io.hubgate.api.v1.CreateJobRequest;
import io.hubgate.api.v1.Job;
import io.hubgate.api.v1.JobServiceGrpc;
import io.hubgate.api.v1.JobState;
import io.hubgate.api.v1.JobType;
import io.hubgate.api.v1.ListJobDevicesRequest;
import io.hubgate.api.v1.ListJobsRequest;
import io.hubgate.api.v1.ListJobsResponse;
import io.hubgate.api.v1.TwinUpdate;
import io.hubgate.server.support.Statuses;
import io.hubgate.server.support.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ListJobs' page tokens are bound to their request as every other listing's (AIP-158): signed
 * by the gateway, good only for the same filters, page size and caller, and refused with
 * INVALID_ARGUMENT on {@code page_token} when forged, altered or sent with another request.
 */
class JobPageTokensTest {

    private static TestGateway gateway;
    private static JobServiceGrpc.JobServiceBlockingStub jobs;

    @BeforeAll
    static void start() {
        gateway = TestGateway.start();
        jobs = JobServiceGrpc.newBlockingStub(gateway.channel());
        Instant inAnHour = Instant.now().plusSeconds(3600);
        for (int i = 0; i < 3; i++) {
            Job job = jobs.createJob(CreateJobRequest.newBuilder().setJob(Job.newBuilder()
                    .setQueryCondition("deviceId = 'nobody'")
                    .setStartTime(Timestamp.newBuilder().setSeconds(inAnHour.getEpochSecond()))
                    .setTwinUpdate(TwinUpdate.newBuilder().setDesired(Struct.newBuilder()
                            .putFields("n", Value.newBuilder().setNumberValue(i).build())))).build());
            jobs.cancelJob(CancelJobRequest.newBuilder().setJobId(job.getJobId()).build());
        }
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
    }

    private static ListJobsRequest.Builder cancelledTwinJobs(int pageSize) {
        return ListJobsRequest.newBuilder().setPageSize(pageSize)
                .setType(JobType.JOB_TYPE_TWIN_UPDATE).setState(JobState.JOB_STATE_CANCELLED);
    }

    private static String firstPageToken() {
        String token = jobs.listJobs(cancelledTwinJobs(1).build()).getNextPageToken();
        assertThat(token).isNotEmpty();
        return token;
    }

    private static void assertInvalidToken(StatusRuntimeException failure) {
        assertThat(failure.getStatus().getCode()).as(failure.getStatus().toString()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(Statuses.violatedFields(failure)).containsExactly("page_token");
    }

    @Test
    void aToken_sentWithItsOwnRequest_readsEachJobOnce() {
        Set<String> seen = new HashSet<>();
        String token = "";
        int pages = 0;
        do {
            ListJobsResponse page = jobs.listJobs(cancelledTwinJobs(1).setPageToken(token).build());
            page.getJobsList().forEach(job -> assertThat(seen.add(job.getJobId())).as("listed once: " + job.getJobId()).isTrue());
            token = page.getNextPageToken();
            pages++;
        } while (!token.isEmpty());

        assertThat(seen).hasSize(3);
        assertThat(pages).isGreaterThanOrEqualTo(3);
    }

    @Test
    void aForgedTokenInTheOldUnsignedFormat_isInvalidArgument() {
        String json = "{\"t\":" + JobType.JOB_TYPE_TWIN_UPDATE_VALUE + ",\"st\":" + JobState.JOB_STATE_CANCELLED_VALUE + ",\"s\":1}";
        String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));

        assertInvalidToken(Statuses.failureOf(() -> jobs.listJobs(cancelledTwinJobs(1).setPageToken(forged).build())));
    }

    @Test
    void anAlteredToken_isInvalidArgument() {
        char[] chars = firstPageToken().toCharArray();
        chars[chars.length / 2] = chars[chars.length / 2] == 'A' ? 'B' : 'A';

        assertInvalidToken(Statuses.failureOf(() -> jobs.listJobs(cancelledTwinJobs(1).setPageToken(new String(chars)).build())));
    }

    @Test
    void aToken_sentWithOtherFilters_isInvalidArgument() {
        String token = firstPageToken();

        assertInvalidToken(Statuses.failureOf(() -> jobs.listJobs(cancelledTwinJobs(1)
                .setState(JobState.JOB_STATE_COMPLETED).setPageToken(token).build())));
        assertInvalidToken(Statuses.failureOf(() -> jobs.listJobs(cancelledTwinJobs(1)
                .setType(JobType.JOB_TYPE_UNSPECIFIED).setPageToken(token).build())));
    }

    @Test
    void aToken_sentWithAnotherPageSize_isInvalidArgument() {
        String token = firstPageToken();

        assertInvalidToken(Statuses.failureOf(() -> jobs.listJobs(cancelledTwinJobs(2).setPageToken(token).build())));
    }

    @Test
    void aToken_sentByAnotherCaller_isInvalidArgument() {
        String token = firstPageToken();
        JobServiceGrpc.JobServiceBlockingStub other = JobServiceGrpc.newBlockingStub(gateway.channelWith(
                TestGateway.bearer(gateway.callerToken("another-caller", TestGateway.ALL_ROLES))));

        assertInvalidToken(Statuses.failureOf(() -> other.listJobs(cancelledTwinJobs(1).setPageToken(token).build())));
    }

    @Test
    void aListJobsToken_sentToListJobDevices_isInvalidArgument_andTheOtherWayRound() {
        String token = firstPageToken();

        assertInvalidToken(Statuses.failureOf(() -> jobs.listJobDevices(ListJobDevicesRequest.newBuilder()
                .setJobId("some-job").setPageSize(1).setPageToken(token).build())));
    }

    @Test
    void aFilterValueOutsideTheEnum_isInvalidArgument_namingTheField() {
        StatusRuntimeException type = Statuses.failureOf(() -> jobs.listJobs(ListJobsRequest.newBuilder().setTypeValue(99).build()));
        StatusRuntimeException state = Statuses.failureOf(() -> jobs.listJobs(ListJobsRequest.newBuilder().setStateValue(-4).build()));

        assertThat(type.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(Statuses.violatedFields(type)).containsExactly("type");
        assertThat(state.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(Statuses.violatedFields(state)).containsExactly("state");
    }

    @Test
    void aFilterValueOutsideTheEnum_withAPageOfOne_neverEndsInternal() {
        // Before the filters were checked, an unknown type listed every job and minting the next
        // token failed on the unknown enum.
        StatusRuntimeException failure = Statuses.failureOf(() -> jobs.listJobs(ListJobsRequest.newBuilder()
                .setPageSize(1).setTypeValue(7).build()));

        assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    }
}
