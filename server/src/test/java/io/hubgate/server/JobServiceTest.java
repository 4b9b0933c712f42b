package io.hubgate.server;

import com.google.protobuf.Duration;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.hubgate.api.v1.CancelJobRequest;
import io.hubgate.api.v1.CreateDeviceRequest;
import io.hubgate.api.v1.CreateJobRequest;
import io.hubgate.api.v1.Device;
import io.hubgate.api.v1.GetJobRequest;
import io.hubgate.api.v1.GetTwinRequest;
import io.hubgate.api.v1.Job;
import io.hubgate.api.v1.JobDevice;
import io.hubgate.api.v1.JobDeviceState;
import io.hubgate.api.v1.JobServiceGrpc;
import io.hubgate.api.v1.JobState;
import io.hubgate.api.v1.JobType;
import io.hubgate.api.v1.ListJobDevicesRequest;
import io.hubgate.api.v1.ListJobDevicesResponse;
import io.hubgate.api.v1.ListJobsRequest;
import io.hubgate.api.v1.ListJobsResponse;
import io.hubgate.api.v1.MethodInvocation;
import io.hubgate.api.v1.TwinUpdate;
import io.hubgate.api.v1.UpdateTwinRequest;
import io.hubgate.api.v1.WatchJobRequest;
import io.hubgate.emulator.devices.MethodBehaviour;
import io.hubgate.emulator.devices.SimulatedDevices;
import io.hubgate.emulator.faults.HubTier;
import io.hubgate.server.support.AccessLogCapture;
import io.hubgate.server.support.RecordingObserver;
import io.hubgate.server.support.Statuses;
import io.hubgate.server.support.TestGateway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * JobService end to end: a real gateway on a socket, the official SDK's ScheduledJobsClient
 * behind it, the embedded emulator running the jobs. Every RPC, WatchJob to a job's end, a watch
 * cancelled mid-stream or ended by its deadline, and one poller per job however many watch it.
 */
class JobServiceTest {

    private static final java.time.Duration WAIT = java.time.Duration.ofSeconds(30);

    @RegisterExtension
    static final TestGateway gateway = TestGateway.perClass();

    private static JobServiceGrpc.JobServiceBlockingStub jobs;

    @BeforeAll
    static void stubs() {
        jobs = JobServiceGrpc.newBlockingStub(gateway.channel());
    }

    private static Struct struct(String key, String value) {
        return Struct.newBuilder().putFields(key, Value.newBuilder().setStringValue(value).build()).build();
    }

    /** Devices tagged {@code site = <site>}. */
    private static List<String> devicesAtSite(String site, int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = TestGateway.uniqueId("jobdev");
            gateway.registry().createDevice(CreateDeviceRequest.newBuilder().setDevice(Device.newBuilder().setDeviceId(id)).build());
            gateway.twins().updateTwin(UpdateTwinRequest.newBuilder().setDeviceId(id).setTags(struct("site", site)).build());
            ids.add(id);
        }
        return ids;
    }

    private static Job twinJob(String condition, Struct desired) {
        return Job.newBuilder().setQueryCondition(condition)
                .setTwinUpdate(TwinUpdate.newBuilder().setDesired(desired)).build();
    }

    private static Job later(Job job) {
        Instant inAnHour = Instant.now().plusSeconds(3600);
        return job.toBuilder().setStartTime(Timestamp.newBuilder().setSeconds(inAnHour.getEpochSecond())).build();
    }

    private static Job awaitState(String jobId, JobState state) {
        return await().atMost(WAIT).until(() -> jobs.getJob(GetJobRequest.newBuilder().setJobId(jobId).build()),
                job -> job.getState() == state);
    }

    @Test
    void twinJob_watchedToItsEnd_updatesEveryDeviceTheConditionSelects() {
        String site = TestGateway.uniqueId("site");
        List<String> devices = devicesAtSite(site, 2);
        String jobId = TestGateway.uniqueId("watched");

        Job created = jobs.createJob(CreateJobRequest.newBuilder().setJobId(jobId)
                .setJob(twinJob("tags.site = '" + site + "'", struct("firmware", "2.4"))).build());
        List<Job> states = new ArrayList<>();
        jobs.withDeadlineAfter(WAIT.toSeconds(), TimeUnit.SECONDS)
                .watchJob(WatchJobRequest.newBuilder().setJobId(jobId).build()).forEachRemaining(states::add);

        assertThat(created.getJobId()).isEqualTo(jobId);
        assertThat(created.getTwinUpdate().getDesired()).isEqualTo(struct("firmware", "2.4"));
        assertThat(created.getMaxExecutionTime().getSeconds()).isEqualTo(3600);
        Job last = states.get(states.size() - 1);
        assertThat(last.getState()).isEqualTo(JobState.JOB_STATE_COMPLETED);
        assertThat(last.getStatistics().getDeviceCount()).isEqualTo(2);
        assertThat(last.getStatistics().getSucceededCount()).isEqualTo(2);
        assertThat(last.hasEndTime()).isTrue();
        assertThat(states.stream().map(Job::getState).distinct()).as("each state sent once it changed")
                .hasSize(states.size());
        for (String device : devices) {
            assertThat(gateway.twins().getTwin(GetTwinRequest.newBuilder().setDeviceId(device).build())
                    .getDesired().getProperties()).isEqualTo(struct("firmware", "2.4"));
        }
    }

    @Test
    void createJob_retriedWithItsJobId_returnsTheSameJob_butAnotherJobUnderThatIdIsAlreadyExists() {
        String jobId = TestGateway.uniqueId("retried");
        CreateJobRequest request = CreateJobRequest.newBuilder().setJobId(jobId)
                .setJob(later(twinJob("deviceId = 'nobody'", struct("a", "1")))).build();

        Job first = jobs.createJob(request);
        Job again = jobs.createJob(request);
        StatusRuntimeException other = Statuses.failureOf(() -> jobs.createJob(request.toBuilder()
                .setJob(later(twinJob("deviceId = 'nobody'", struct("a", "2")))).build()));

        assertThat(again.getJobId()).isEqualTo(first.getJobId());
        assertThat(again.getCreateTime()).isEqualTo(first.getCreateTime());
        assertThat(other.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
        assertThat(Statuses.errorInfo(other).getReason()).isEqualTo("JobAlreadyExists");
        jobs.cancelJob(CancelJobRequest.newBuilder().setJobId(jobId).build());
    }

    @Test
    void methodJob_listJobDevices_pagesThroughEachDevicesOutcome() {
        String site = TestGateway.uniqueId("site");
        List<String> devices = devicesAtSite(site, 2);
        SimulatedDevices simulated = gateway.hub().devices();
        SimulatedDevices.Target online = new SimulatedDevices.Target(devices.get(0), null);
        simulated.setConnected(online, true);
        simulated.onMethod(online, "reboot", new MethodBehaviour(200, null, java.time.Duration.ZERO, true, true));

        Job created = jobs.createJob(CreateJobRequest.newBuilder().setJob(Job.newBuilder()
                .setQueryCondition("tags.site = '" + site + "'")
                .setMethodInvocation(MethodInvocation.newBuilder().setMethodName("reboot")
                        .setPayload(Value.newBuilder().setStringValue("now"))
                        .setResponseTimeout(Duration.newBuilder().setSeconds(10)))).build());
        Job done = awaitState(created.getJobId(), JobState.JOB_STATE_COMPLETED);

        assertThat(created.getJobId()).as("a job id the gateway made").isNotEmpty();
        assertThat(done.getMethodInvocation().getMethodName()).isEqualTo("reboot");
        assertThat(done.getStatistics().getSucceededCount()).isEqualTo(1);
        assertThat(done.getStatistics().getFailedCount()).isEqualTo(1);
        List<JobDevice> listed = new ArrayList<>();
        String token = "";
        int pages = 0;
        do {
            ListJobDevicesResponse page = jobs.listJobDevices(ListJobDevicesRequest.newBuilder()
                    .setJobId(created.getJobId()).setPageSize(1).setPageToken(token).build());
            listed.addAll(page.getDevicesList());
            token = page.getNextPageToken();
            pages++;
        } while (!token.isEmpty());
        assertThat(pages).isEqualTo(2);
        JobDevice answered = listed.stream().filter(d -> d.getDeviceId().equals(devices.get(0))).findFirst().orElseThrow();
        JobDevice offline = listed.stream().filter(d -> d.getDeviceId().equals(devices.get(1))).findFirst().orElseThrow();
        assertThat(answered.getState()).isEqualTo(JobDeviceState.JOB_DEVICE_STATE_COMPLETED);
        assertThat(answered.getMethodResult().getStatus()).isEqualTo(200);
        assertThat(answered.getMethodResult().getPayload().getStringValue()).as("echoed").isEqualTo("now");
        assertThat(offline.getState()).isEqualTo(JobDeviceState.JOB_DEVICE_STATE_FAILED);
        assertThat(offline.getError().getCode()).isEqualTo("DeviceNotOnline");
        assertThat(offline.hasEndTime()).isTrue();
    }

    @Test
    void cancelJob_endsAScheduledJob_andListJobsFindsItByTypeAndState() {
        Set<String> cancelled = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            Job job = jobs.createJob(CreateJobRequest.newBuilder()
                    .setJob(later(twinJob("deviceId = 'nobody'", struct("n", "" + i)))).build());
            Job after = jobs.cancelJob(CancelJobRequest.newBuilder().setJobId(job.getJobId()).build());
            assertThat(after.getState()).isEqualTo(JobState.JOB_STATE_CANCELLED);
            cancelled.add(job.getJobId());
        }

        Set<String> listed = new HashSet<>();
        ListJobsRequest.Builder request = ListJobsRequest.newBuilder().setPageSize(1)
                .setType(JobType.JOB_TYPE_TWIN_UPDATE).setState(JobState.JOB_STATE_CANCELLED);
        String token = "";
        do {
            ListJobsResponse page = jobs.listJobs(request.setPageToken(token).build());
            assertThat(page.getJobsCount()).isLessThanOrEqualTo(1);
            page.getJobsList().forEach(job -> {
                assertThat(job.getState()).isEqualTo(JobState.JOB_STATE_CANCELLED);
                assertThat(job.hasTwinUpdate()).isTrue();
                listed.add(job.getJobId());
            });
            token = page.getNextPageToken();
        } while (!token.isEmpty());
        assertThat(listed).containsAll(cancelled);

        String firstToken = jobs.listJobs(request.setPageToken("").build()).getNextPageToken();
        StatusRuntimeException mixed = Statuses.failureOf(() -> jobs.listJobs(ListJobsRequest.newBuilder().setPageSize(1)
                .setState(JobState.JOB_STATE_COMPLETED).setPageToken(firstToken).build()));
        assertThat(mixed.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(Statuses.violatedFields(mixed)).containsExactly("page_token");
    }

    @Test
    void watchJob_cancelledMidStream_stopsItsPoller() {
        Job job = jobs.createJob(CreateJobRequest.newBuilder().setJob(later(twinJob("deviceId = 'nobody'", struct("w", "1")))).build());
        RecordingObserver<Job> watch = new RecordingObserver<>();
        Context.CancellableContext watching = Context.current().withCancellation();

        watching.run(() -> JobServiceGrpc.newStub(gateway.channel()).watchJob(
                WatchJobRequest.newBuilder().setJobId(job.getJobId()).build(), watch));
        await().atMost(WAIT).until(() -> !watch.received.isEmpty());
        assertThat(gateway.gateway().jobWatchers().pollerCount()).isEqualTo(1);
        watching.cancel(null);

        assertThat(watch.ended.join().getCode()).isEqualTo(Status.Code.CANCELLED);
        await().atMost(WAIT).until(() -> gateway.gateway().jobWatchers().pollerCount() == 0);
        assertThat(watch.received.get(0).getState()).isEqualTo(JobState.JOB_STATE_SCHEDULED);
        jobs.cancelJob(CancelJobRequest.newBuilder().setJobId(job.getJobId()).build());
    }

    @Test
    void twoWatchersOfOneJob_shareOnePoller_andBothSeeItEnd() {
        Job job = jobs.createJob(CreateJobRequest.newBuilder().setJob(later(twinJob("deviceId = 'nobody'", struct("w", "2")))).build());
        RecordingObserver<Job> first = new RecordingObserver<>();
        RecordingObserver<Job> second = new RecordingObserver<>();
        WatchJobRequest watch = WatchJobRequest.newBuilder().setJobId(job.getJobId()).build();

        JobServiceGrpc.newStub(gateway.channel()).watchJob(watch, first);
        JobServiceGrpc.newStub(gateway.channel()).watchJob(watch, second);
        await().atMost(WAIT).until(() -> !first.received.isEmpty() && !second.received.isEmpty());
        assertThat(gateway.gateway().jobWatchers().pollerCount()).isEqualTo(1);
        jobs.cancelJob(CancelJobRequest.newBuilder().setJobId(job.getJobId()).build());

        assertThat(first.ended.join().getCode()).isEqualTo(Status.Code.OK);
        assertThat(second.ended.join().getCode()).isEqualTo(Status.Code.OK);
        assertThat(first.received.get(first.received.size() - 1).getState()).isEqualTo(JobState.JOB_STATE_CANCELLED);
        assertThat(second.received.get(second.received.size() - 1).getState()).isEqualTo(JobState.JOB_STATE_CANCELLED);
        await().atMost(WAIT).until(() -> gateway.gateway().jobWatchers().pollerCount() == 0);
    }

    @Test
    void watchJob_endsWithTheCallersDeadline() {
        Job job = jobs.createJob(CreateJobRequest.newBuilder().setJob(later(twinJob("deviceId = 'nobody'", struct("w", "3")))).build());
        Iterator<Job> stream = jobs.withDeadlineAfter(3, TimeUnit.SECONDS)
                .watchJob(WatchJobRequest.newBuilder().setJobId(job.getJobId()).build());

        assertThat(stream.next().getState()).isEqualTo(JobState.JOB_STATE_SCHEDULED);
        StatusRuntimeException expired = Statuses.failureOf(() -> stream.hasNext());
        assertThat(expired.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        await().atMost(WAIT).until(() -> gateway.gateway().jobWatchers().pollerCount() == 0);
        jobs.cancelJob(CancelJobRequest.newBuilder().setJobId(job.getJobId()).build());
    }

    @Test
    void watchJob_endedByTheCallersDeadline_isInTheAccessLogAsDeadlineExceeded_notOk() {
        Job job = jobs.createJob(CreateJobRequest.newBuilder().setJob(later(twinJob("deviceId = 'nobody'", struct("w", "4")))).build());
        String id = "watch-deadline-" + UUID.randomUUID();
        try (AccessLogCapture log = AccessLogCapture.start(true)) {
            Iterator<Job> stream = JobServiceGrpc.newBlockingStub(gateway.channelWith(
                            TestGateway.bearer(gateway.callerToken("watcher", TestGateway.ALL_ROLES)), TestGateway.header("x-request-id", id)))
                    .withDeadlineAfter(2, TimeUnit.SECONDS).watchJob(WatchJobRequest.newBuilder().setJobId(job.getJobId()).build());

            assertThat(stream.next().getState()).isEqualTo(JobState.JOB_STATE_SCHEDULED);
            assertThat(Statuses.failureOf(() -> stream.hasNext()).getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
            String line = log.awaitAccessLine(l -> l.startsWith(id), WAIT);
            assertThat(line).contains("WatchJob").containsPattern(" (DEADLINE_EXCEEDED|CANCELLED) ").doesNotContain(" OK ");
        } finally {
            jobs.cancelJob(CancelJobRequest.newBuilder().setJobId(job.getJobId()).build());
        }
    }

    @Test
    void watchJob_ofAMethodJobCancelledMidRun_endsWithTheFinalCounts_noDeviceStillRunning() {
        String site = TestGateway.uniqueId("site");
        devicesAtSite(site, 2); // not connected: each waits out its connect timeout
        Job job = jobs.createJob(CreateJobRequest.newBuilder().setJob(Job.newBuilder().setQueryCondition("tags.site = '" + site + "'")
                .setMethodInvocation(MethodInvocation.newBuilder().setMethodName("reboot")
                        .setConnectTimeout(Duration.newBuilder().setSeconds(60))
                        .setResponseTimeout(Duration.newBuilder().setSeconds(5)))).build());
        RecordingObserver<Job> watch = new RecordingObserver<>();
        JobServiceGrpc.newStub(gateway.channel()).withDeadlineAfter(WAIT.toSeconds(), TimeUnit.SECONDS)
                .watchJob(WatchJobRequest.newBuilder().setJobId(job.getJobId()).build(), watch);
        await().atMost(WAIT).until(() -> watch.received.stream().anyMatch(j -> j.getStatistics().getRunningCount() == 2));

        jobs.cancelJob(CancelJobRequest.newBuilder().setJobId(job.getJobId()).build());

        assertThat(watch.ended.join().getCode()).isEqualTo(Status.Code.OK);
        Job last = watch.received.get(watch.received.size() - 1);
        assertThat(last.getState()).isEqualTo(JobState.JOB_STATE_CANCELLED);
        assertThat(last.getStatistics().getRunningCount()).isZero();
        assertThat(last.getStatistics().getPendingCount()).isZero();
        assertThat(last.getStatistics().getFailedCount()).isEqualTo(2);
        assertThat(jobs.listJobDevices(ListJobDevicesRequest.newBuilder().setJobId(job.getJobId()).build()).getDevicesList())
                .hasSize(2).allSatisfy(device -> assertThat(device.toString()).doesNotContain("DeviceNotOnline"));
    }

    @Test
    void invalidQueryCondition_failsTheJob_andTheWatchSaysWhy() {
        Job job = jobs.createJob(CreateJobRequest.newBuilder().setJob(twinJob("tags.site = ", struct("x", "1"))).build());
        List<Job> states = new ArrayList<>();
        jobs.withDeadlineAfter(WAIT.toSeconds(), TimeUnit.SECONDS)
                .watchJob(WatchJobRequest.newBuilder().setJobId(job.getJobId()).build()).forEachRemaining(states::add);

        Job last = states.get(states.size() - 1);
        assertThat(last.getState()).isEqualTo(JobState.JOB_STATE_FAILED);
        assertThat(last.getFailureReason()).contains("query condition is invalid");
    }

    @Test
    void badRequests_areInvalidArgument_namingEachField() {
        StatusRuntimeException create = Statuses.failureOf(() -> jobs.createJob(CreateJobRequest.newBuilder()
                .setJobId("no_underscores").setJob(Job.newBuilder().setMaxExecutionTime(Duration.newBuilder().setNanos(5))
                        .setMethodInvocation(MethodInvocation.newBuilder()
                                .setResponseTimeout(Duration.newBuilder().setSeconds(1)))).build()));
        StatusRuntimeException get = Statuses.failureOf(() -> jobs.getJob(GetJobRequest.newBuilder().setJobId("x".repeat(65)).build()));
        StatusRuntimeException pageSize = Statuses.failureOf(() -> jobs.listJobs(ListJobsRequest.newBuilder().setPageSize(5000).build()));
        StatusRuntimeException token = Statuses.failureOf(() -> jobs.listJobDevices(ListJobDevicesRequest.newBuilder()
                .setJobId("some-job").setPageToken("garbage!").build()));

        assertThat(create.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(Statuses.violatedFields(create)).containsExactlyInAnyOrder("job_id", "job.query_condition",
                "job.max_execution_time", "job.method_invocation.method_name", "job.method_invocation.response_timeout");
        assertThat(Statuses.violatedFields(get)).containsExactly("job_id");
        assertThat(Statuses.violatedFields(pageSize)).containsExactly("page_size");
        assertThat(Statuses.violatedFields(token)).containsExactly("page_token");
    }

    @Test
    void aMethodJob_withAMethodNameIoTHubRefuses_isInvalidArgument_notInternal() {
        for (String name : List.of("../reboot", "a b", "$edgeHub", "x".repeat(129), "\u000f$\u0013", " *\"*\"")) {
            StatusRuntimeException failure = Statuses.failureOf(() -> jobs.createJob(CreateJobRequest.newBuilder()
                    .setJob(Job.newBuilder().setQueryCondition("deviceId = 'nobody'")
                            .setMethodInvocation(MethodInvocation.newBuilder().setMethodName(name))).build()));

            assertThat(failure.getStatus().getCode()).as(name).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(Statuses.violatedFields(failure)).as(name).containsExactly("job.method_invocation.method_name");
        }
    }

    @Test
    void queryCondition_isLimitedAsQueryTextIs_8192Characters() {
        String longest = "deviceId = '" + "d".repeat(8192 - "deviceId = ''".length()) + "'";

        Job accepted = jobs.createJob(CreateJobRequest.newBuilder().setJob(later(twinJob(longest, struct("l", "1")))).build());
        StatusRuntimeException tooLong = Statuses.failureOf(() -> jobs.createJob(CreateJobRequest.newBuilder()
                .setJob(later(twinJob(longest + " ", struct("l", "2")))).build()));

        assertThat(accepted.getQueryCondition()).hasSize(8192);
        assertThat(tooLong.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(Statuses.violatedFields(tooLong)).containsExactly("job.query_condition");
        assertThat(tooLong.getStatus().getDescription()).contains("8192");
        jobs.cancelJob(CancelJobRequest.newBuilder().setJobId(accepted.getJobId()).build());
    }

    @Test
    void queryCondition_withNonAsciiOutsideALiteral_isInvalidArgument_asForQueryTwins_notAFailedJob() {
        StatusRuntimeException refused = Statuses.failureOf(() -> jobs.createJob(CreateJobRequest.newBuilder()
                .setJob(twinJob("tags.ci\u20acy = 'x'", struct("n", "1"))).build()));

        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(Statuses.violatedFields(refused)).containsExactly("job.query_condition");
        assertThat(refused.getStatus().getDescription()).contains("non-ASCII");
    }

    @Test
    void aMethodJob_withANonFinitePayloadNumber_isInvalidArgumentNamingIt_notInternal() {
        for (double number : List.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY)) {
            Value nonFinite = Value.newBuilder().setNumberValue(number).build();
            Value payload = Value.newBuilder().setStructValue(Struct.newBuilder().putFields("level", nonFinite)
                    .putFields("steps", Value.newBuilder().setListValue(com.google.protobuf.ListValue.newBuilder()
                            .addValues(Value.newBuilder().setNumberValue(1)).addValues(nonFinite)).build())).build();
            StatusRuntimeException failure = Statuses.failureOf(() -> jobs.createJob(CreateJobRequest.newBuilder()
                    .setJob(Job.newBuilder().setQueryCondition("deviceId = 'nobody'")
                            .setMethodInvocation(MethodInvocation.newBuilder().setMethodName("reboot").setPayload(payload))).build()));

            assertThat(failure.getStatus().getCode()).as(String.valueOf(number)).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(Statuses.violatedFields(failure)).as(String.valueOf(number))
                    .containsExactlyInAnyOrder("job.method_invocation.payload.level", "job.method_invocation.payload.steps[1]");
        }
    }

    @Test
    void unknownJob_isNotFound_forEveryRpcThatNamesOne() {
        String ghost = TestGateway.uniqueId("ghost");
        List<StatusRuntimeException> failures = List.of(
                Statuses.failureOf(() -> jobs.getJob(GetJobRequest.newBuilder().setJobId(ghost).build())),
                Statuses.failureOf(() -> jobs.cancelJob(CancelJobRequest.newBuilder().setJobId(ghost).build())),
                Statuses.failureOf(() -> jobs.listJobDevices(ListJobDevicesRequest.newBuilder().setJobId(ghost).build())),
                Statuses.failureOf(() -> jobs.withDeadlineAfter(WAIT.toSeconds(), TimeUnit.SECONDS)
                        .watchJob(WatchJobRequest.newBuilder().setJobId(ghost).build()).hasNext()));

        assertThat(failures).allSatisfy(failure -> {
            assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
            assertThat(Statuses.errorInfo(failure).getReason()).isEqualTo("JobNotFound");
        });
    }

    @Test
    void aMethodJob_needsMethodInvoke_evenWhenTwinWriteAdmitsTheCaller() {
        JobServiceGrpc.JobServiceBlockingStub twinWriter = JobServiceGrpc.newBlockingStub(gateway.channelWith(
                TestGateway.bearer(gateway.callerToken("twin-writer", Set.of("Twin.Write")))));

        StatusRuntimeException denied = Statuses.failureOf(() -> twinWriter.createJob(CreateJobRequest.newBuilder()
                .setJob(Job.newBuilder().setQueryCondition("*")
                        .setMethodInvocation(MethodInvocation.newBuilder().setMethodName("reboot"))).build()));

        assertThat(denied.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(Statuses.errorInfo(denied).getMetadataMap()).containsEntry("requiredRoles", "Method.Invoke");
    }

    @Test
    void cancelJob_byACallerWhoCannotReadJobs_answersTheSameForAnotherTypesJobAsForAMissingOne() {
        JobServiceGrpc.JobServiceBlockingStub twinWriter = JobServiceGrpc.newBlockingStub(gateway.channelWith(
                TestGateway.bearer(gateway.callerToken("twin-writer", Set.of("Twin.Write")))));
        Job methodJob = jobs.createJob(CreateJobRequest.newBuilder().setJob(later(Job.newBuilder().setQueryCondition("deviceId = 'nobody'")
                .setMethodInvocation(MethodInvocation.newBuilder().setMethodName("reboot")).build())).build());
        try {
            StatusRuntimeException existing = Statuses.failureOf(() -> twinWriter.cancelJob(
                    CancelJobRequest.newBuilder().setJobId(methodJob.getJobId()).build()));
            StatusRuntimeException missing = Statuses.failureOf(() -> twinWriter.cancelJob(
                    CancelJobRequest.newBuilder().setJobId(TestGateway.uniqueId("ghost")).build()));

            // Nothing in the answer tells whether the job exists, nor what it does.
            assertThat(existing.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(missing.getStatus().getCode()).isEqualTo(existing.getStatus().getCode());
            assertThat(missing.getStatus().getDescription()).isEqualTo(existing.getStatus().getDescription());
            assertThat(Statuses.errorInfo(missing)).isEqualTo(Statuses.errorInfo(existing));
            assertThat(existing.getStatus().getDescription()).doesNotContain("method-invocation");
            assertThat(jobs.getJob(GetJobRequest.newBuilder().setJobId(methodJob.getJobId()).build()).getState())
                    .isEqualTo(JobState.JOB_STATE_SCHEDULED);
        } finally {
            jobs.cancelJob(CancelJobRequest.newBuilder().setJobId(methodJob.getJobId()).build());
        }
    }

    @Test
    void cancelJob_byACallerWhoCanReadJobs_cancelsItsOwnTypeAndIsToldWhichRoleTheOtherTypeTakes() {
        JobServiceGrpc.JobServiceBlockingStub twinOperator = JobServiceGrpc.newBlockingStub(gateway.channelWith(
                TestGateway.bearer(gateway.callerToken("twin-operator", Set.of("Twin.Write", "Twin.Read")))));
        Job twinJob = jobs.createJob(CreateJobRequest.newBuilder().setJob(later(twinJob("deviceId = 'nobody'", struct("c", "1")))).build());
        Job methodJob = jobs.createJob(CreateJobRequest.newBuilder().setJob(later(Job.newBuilder().setQueryCondition("deviceId = 'nobody'")
                .setMethodInvocation(MethodInvocation.newBuilder().setMethodName("reboot")).build())).build());
        try {
            assertThat(twinOperator.cancelJob(CancelJobRequest.newBuilder().setJobId(twinJob.getJobId()).build()).getState())
                    .isEqualTo(JobState.JOB_STATE_CANCELLED);
            StatusRuntimeException denied = Statuses.failureOf(() -> twinOperator.cancelJob(
                    CancelJobRequest.newBuilder().setJobId(methodJob.getJobId()).build()));
            assertThat(denied.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(Statuses.errorInfo(denied).getMetadataMap()).containsEntry("requiredRoles", "Method.Invoke");
        } finally {
            jobs.cancelJob(CancelJobRequest.newBuilder().setJobId(methodJob.getJobId()).build());
        }
    }

    @Test
    void aHubOfTierS1_refusesASecondActiveJob_withResourceExhausted() {
        gateway.hub().faults().enforceQuota(HubTier.S1, 1);
        String first = null;
        try {
            first = jobs.createJob(CreateJobRequest.newBuilder()
                    .setJob(later(twinJob("deviceId = 'nobody'", struct("q", "1")))).build()).getJobId();
            StatusRuntimeException second = Statuses.failureOf(() -> jobs.createJob(CreateJobRequest.newBuilder()
                    .setJob(later(twinJob("deviceId = 'nobody'", struct("q", "2")))).build()));

            assertThat(second.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            assertThat(Statuses.errorInfo(second).getReason()).isEqualTo("JobQuotaExceeded");
        } finally {
            gateway.hub().faults().stopQuota();
            if (first != null) {
                jobs.cancelJob(CancelJobRequest.newBuilder().setJobId(first).build());
            }
        }
    }
}
