package io.hubgate.emulator.jobs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.hubgate.emulator.api.QueryApi;
import io.hubgate.emulator.http.HubErrorCode;
import io.hubgate.emulator.http.HubException;
import io.hubgate.emulator.http.HubRequest;
import io.hubgate.emulator.http.HubResponse;
import io.hubgate.emulator.http.RouteTable.PathParameters;
import io.hubgate.emulator.json.Json;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * REST handlers for scheduled jobs ({@code /jobs/v2}): create, get, cancel and the paged job
 * listing filtered by type and status. Import/export jobs ({@code /jobs/create}, {@code /jobs},
 * blob storage) are not emulated and are answered with an error that says so.
 *
 * <p>Listing pages like the query API: {@code x-ms-max-item-count} (at most 1000, default 100) and an opaque
 * {@code x-ms-continuation} token, left out on the last page. A token remembers the filters it
 * was issued for and is refused with other ones.
 */
public final class JobApi {

    private final JobStore store;
    private final JobScheduler scheduler;
    private final Clock clock;
    private final IntSupplier maxActiveJobs;

    /**
     * @param maxActiveJobs the tier's limit of jobs queued, scheduled or running at once, read at
     *                      each create (the tier can change at run time)
     */
    public JobApi(JobStore store, JobScheduler scheduler, Clock clock, IntSupplier maxActiveJobs) {
        this.store = store;
        this.scheduler = scheduler;
        this.clock = clock;
        this.maxActiveJobs = maxActiveJobs;
    }

    public HubResponse create(HubRequest request, PathParameters path) {
        String jobId = path.get("jobId");
        JobSpec spec = JobRequestReader.read(jobId, request.jsonObjectBody(), clock.instant());
        ScheduledJob job = store.add(ScheduledJob.accepted(jobId, spec, clock.instant()), maxActiveJobs.getAsInt());
        scheduler.wake();
        return HubResponse.ok(JobJson.accepted(job));
    }

    public HubResponse get(HubRequest request, PathParameters path) {
        String jobId = path.get("jobId");
        JobRequestReader.validateJobId(jobId);
        return HubResponse.ok(JobJson.job(store.require(jobId)));
    }

    public HubResponse cancel(HubRequest request, PathParameters path) {
        String jobId = path.get("jobId");
        JobRequestReader.validateJobId(jobId);
        store.require(jobId);
        return HubResponse.ok(JobJson.job(scheduler.cancel(jobId)));
    }

    public HubResponse list(HubRequest request, PathParameters path) {
        JobType type = typeFilter(request.queryParameter("jobType"));
        JobStatus status = statusFilter(request.queryParameter("jobStatus"));
        int pageSize = QueryApi.pageSize(request.header("x-ms-max-item-count"));
        String filters = (type == null ? "" : type.wireName()) + "|" + (status == null ? "" : status.wireName());
        String after = decodeToken(request.header("x-ms-continuation"), filters);

        List<ScheduledJob> page = new ArrayList<>();
        boolean more = false;
        Iterator<ScheduledJob> jobs = store.jobsAfter(after).iterator();
        while (jobs.hasNext()) {
            ScheduledJob job = jobs.next();
            if ((type != null && job.spec().type() != type) || (status != null && job.status() != status)) {
                continue;
            }
            if (page.size() == pageSize) {
                more = true;
                break;
            }
            page.add(job);
        }
        ArrayNode items = Json.MAPPER.createArrayNode();
        page.forEach(job -> items.add(JobJson.job(job)));
        HubResponse response = HubResponse.ok(items).header("x-ms-item-type", "jobResponse");
        if (more) {
            response.header("x-ms-continuation", encodeToken(filters, page.get(page.size() - 1).jobId()));
        }
        return response;
    }

    /** Import and export jobs need blob storage, which the emulator does not have. */
    public HubResponse importExportNotEmulated(HubRequest request, PathParameters path) {
        throw new HubException(HubErrorCode.INVALID_OPERATION, "Import/export jobs (" + request.method() + " "
                + request.rawPath() + ") are not emulated: they read and write Azure blob storage, which the "
                + "emulator does not have. Use the bulk registry API (POST /devices) or scheduled jobs (/jobs/v2)");
    }

    private static JobType typeFilter(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        JobType type = JobType.fromWireName(value);
        if (type == null) {
            throw HubException.argumentInvalid("jobType '" + value + "' is not a scheduled job type; use "
                    + "scheduleUpdateTwin or scheduleDeviceMethod");
        }
        return type;
    }

    private static JobStatus statusFilter(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        JobStatus status = JobStatus.fromWireName(value);
        if (status == null) {
            throw HubException.argumentInvalid("jobStatus '" + value + "' is not a job status; use queued, scheduled, "
                    + "running, completed, failed or cancelled");
        }
        return status;
    }

    private static String encodeToken(String filters, String lastJobId) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((filters + "|" + lastJobId).getBytes(StandardCharsets.UTF_8));
    }

    /** The job id the page after this token starts after; null for the first page. */
    private static String decodeToken(String token, String filters) {
        if (token == null || token.isEmpty()) {
            return null;
        }
        String text;
        try {
            text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw HubException.argumentInvalid("The continuation token is malformed");
        }
        if (!text.startsWith(filters + "|")) {
            throw HubException.argumentInvalid("The continuation token belongs to a listing with other jobType or "
                    + "jobStatus filters");
        }
        String lastJobId = text.substring(filters.length() + 1);
        JobRequestReader.validateJobId(lastJobId);
        return lastJobId;
    }
}
