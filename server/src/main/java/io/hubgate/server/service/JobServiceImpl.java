package io.hubgate.server.service;

import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.hubgate.api.v1.CancelJobRequest;
import io.hubgate.api.v1.CreateJobRequest;
import io.hubgate.api.v1.GetJobRequest;
import io.hubgate.api.v1.Job;
import io.hubgate.api.v1.JobServiceGrpc;
import io.hubgate.api.v1.ListJobDevicesRequest;
import io.hubgate.api.v1.ListJobDevicesResponse;
import io.hubgate.api.v1.ListJobsRequest;
import io.hubgate.api.v1.ListJobsResponse;
import io.hubgate.api.v1.WatchJobRequest;
import io.hubgate.server.auth.JobAccess;
import io.hubgate.server.hub.RetryPolicy.Repeatability;
import io.hubgate.server.hub.UpstreamCalls;

import java.util.UUID;

/**
 * Fleet jobs over gRPC through the SDK's ScheduledJobsClient (create, get, cancel, list) and
 * QueryClient (a job's devices, read as raw {@code devices.jobs} items: see {@link JobMapper}).
 * Creating is safe to retry ({@link JobCreation}); creating or cancelling a job takes the role
 * of what the job does ({@link JobAccess}); watching is served by {@link JobWatchers}.
 */
public final class JobServiceImpl extends JobServiceGrpc.JobServiceImplBase {

    private static final String CREATE = JobServiceGrpc.getCreateJobMethod().getFullMethodName();
    private static final String CANCEL = JobServiceGrpc.getCancelJobMethod().getFullMethodName();

    private final UpstreamCalls calls;
    private final JobAccess access;
    private final JobWatchers watchers;
    private final PageTokens tokens;

    public JobServiceImpl(UpstreamCalls calls, JobAccess access, JobWatchers watchers, PageTokens tokens) {
        this.calls = calls;
        this.access = access;
        this.watchers = watchers;
        this.tokens = tokens;
    }

    @Override
    public void createJob(CreateJobRequest request, StreamObserver<Job> observer) {
        Responses.guard(observer, () -> {
            Validation validation = new Validation();
            JobChecks.create(validation, request);
            validation.check();
            access.caller().requireFor(JobMapper.type(request.getJob()), CREATE);
            String jobId = request.getJobId().isEmpty() ? UUID.randomUUID().toString() : request.getJobId();
            JobCreation creation = new JobCreation(jobId, request.getJob());
            // Repeatable: a repeat finds its own job under the id fixed above and returns it.
            Responses.complete(calls.runHere(Repeatability.REPEATABLE,
                    upstream -> creation.run(upstream.sdk().jobs())), job -> job, observer);
        });
    }

    @Override
    public void getJob(GetJobRequest request, StreamObserver<Job> observer) {
        Responses.guard(observer, () -> {
            JobChecks.jobId(new Validation(), "job_id", request.getJobId(), false).check();
            Responses.complete(calls.runHere(Repeatability.REPEATABLE,
                    upstream -> upstream.sdk().jobs().get(request.getJobId())),
                    JobMapper::toProto, observer);
        });
    }

    @Override
    public void cancelJob(CancelJobRequest request, StreamObserver<Job> observer) {
        Responses.guard(observer, () -> {
            JobChecks.jobId(new Validation(), "job_id", request.getJobId(), false).check();
            JobAccess.Caller caller = access.caller();
            Responses.complete(calls.runHere(Repeatability.REPEATABLE, upstream -> {
                var jobs = upstream.sdk().jobs();
                try {
                    caller.requireToCancel(JobMapper.type(JobMapper.toProto(jobs.get(request.getJobId()))), CANCEL);
                } catch (IotHubNotFoundException missing) {
                    caller.requireToCancel(null, CANCEL); // the same refusal as another action's job, for some callers
                    throw missing;
                }
                return jobs.cancel(request.getJobId());
            }), JobMapper::toProto, observer);
        });
    }

    @Override
    public void listJobs(ListJobsRequest request, StreamObserver<ListJobsResponse> observer) {
        Responses.guard(observer, () -> {
            JobChecks.listFilters(new Validation(), request).pageSize("page_size", request.getPageSize()).check();
            PageTokens.Binding binding = tokens.bind(PageTokens.Kind.LIST_JOBS, request.getPageSize());
            JobPages.Position position = request.getPageToken().isEmpty()
                    ? new JobPages.Position(request.getType(), request.getState(), null, 0)
                    : JobPages.position(binding.read(request.getPageToken(), "page_token"), "page_token",
                            request.getType(), request.getState());
            int size = Validation.effectivePageSize(request.getPageSize());
            Responses.complete(calls.runHere(Repeatability.REPEATABLE, upstream ->
                    JobPages.read(upstream.sdk().jobs(), position, size, QueryPager.MAX_ITEM_BYTES)), page -> {
                ListJobsResponse.Builder response = ListJobsResponse.newBuilder().addAllJobs(page.jobs());
                if (page.next() != null) {
                    response.setNextPageToken(binding.mint(JobPages.cursor(page.next())));
                }
                return response.build();
            }, observer);
        });
    }

    @Override
    public void listJobDevices(ListJobDevicesRequest request, StreamObserver<ListJobDevicesResponse> observer) {
        Responses.guard(observer, () -> {
            Validation validation = JobChecks.jobId(new Validation(), "job_id", request.getJobId(), false)
                    .pageSize("page_size", request.getPageSize());
            validation.check();
            // The job id is letters, digits and '-' only, so it cannot break out of the quotes.
            String query = "SELECT * FROM devices.jobs WHERE devices.jobs.jobId = '" + request.getJobId() + "'";
            PageTokens.Binding binding = tokens.bind(PageTokens.Kind.LIST_JOB_DEVICES, request.getPageSize());
            QueryPager.Position position;
            if (request.getPageToken().isEmpty()) {
                position = new QueryPager.Position(query, null, 0);
            } else {
                PageTokens.Cursor cursor = binding.read(request.getPageToken(), "page_token");
                if (!cursor.text().equals(query)) {
                    throw Validation.invalidField("page_token", "the page token belongs to another job's listing");
                }
                position = QueryPager.position(query, cursor);
            }
            boolean first = request.getPageToken().isEmpty();
            int size = Validation.effectivePageSize(request.getPageSize());
            Responses.complete(calls.runHere(Repeatability.REPEATABLE, upstream -> {
                var set = upstream.sdk();
                if (first) {
                    set.jobs().get(request.getJobId()); // NOT_FOUND for a job that does not exist
                }
                return QueryPager.read(upstream.rest(), position, size, QueryPager.MAX_ITEM_BYTES, JobMapper::device);
            }), page -> {
                ListJobDevicesResponse.Builder response = ListJobDevicesResponse.newBuilder().addAllDevices(page.items());
                if (page.next() != null) {
                    response.setNextPageToken(binding.mint(QueryPager.cursor(page.next(), query)));
                }
                return response.build();
            }, observer);
        });
    }

    @Override
    public void watchJob(WatchJobRequest request, StreamObserver<Job> observer) {
        Responses.guard(observer, () -> {
            JobChecks.jobId(new Validation(), "job_id", request.getJobId(), false).check();
            watchers.watch(request.getJobId(), (ServerCallStreamObserver<Job>) observer);
        });
    }
}
