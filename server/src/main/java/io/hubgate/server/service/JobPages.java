package io.hubgate.server.service;

import com.microsoft.azure.sdk.iot.service.exceptions.IotHubException;
import com.microsoft.azure.sdk.iot.service.jobs.ScheduledJob;
import com.microsoft.azure.sdk.iot.service.jobs.ScheduledJobsClient;
import com.microsoft.azure.sdk.iot.service.query.JobQueryResponse;
import com.microsoft.azure.sdk.iot.service.query.QueryPageOptions;
import com.google.protobuf.CodedOutputStream;
import io.hubgate.api.v1.Job;
import io.hubgate.api.v1.JobState;
import io.hubgate.api.v1.JobType;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Reads the job listing ({@code GET /jobs/v2/query}) one gRPC page at a time. As in
 * {@link QueryPager}, the position is "the continuation that fetched the current upstream page,
 * and how many of its items were taken", because the SDK's response fetches further pages by
 * itself without saying where one ends. Page tokens are {@link PageTokens}, bound to the filters
 * as their text (and, as every token, to the page size and the caller): a token is refused with
 * other filters than it was issued for.
 */
final class JobPages {

    /** Where a caller is in a listing. {@code upstreamToken} null: at the first upstream page. */
    record Position(JobType type, JobState state, String upstreamToken, int skip) {
    }

    /** One page of jobs, as the API's, and where the next page starts (null: no more). */
    record Page(List<Job> jobs, Position next) {
    }

    private JobPages() {
    }

    /**
     * Reads up to {@code pageSize} jobs, and no more than {@code maxBytes} of them as repeated
     * message fields (but always one): a job carries a twin update or a method payload of up to
     * 128 KB, so a page of 1000 could pass any client's receive limit. A page full by bytes
     * continues at the job that did not fit.
     */
    static Page read(ScheduledJobsClient client, Position position, int pageSize, long maxBytes)
            throws IOException, IotHubException {
        QueryPageOptions options = QueryPageOptions.builder().pageSize(pageSize)
                .continuationToken(position.upstreamToken()).build();
        JobQueryResponse response = client.query(JobMapper.sdkType(position.type()), JobMapper.sdkStatus(position.state()),
                options);
        String pageStart = position.upstreamToken();
        int taken = 0;
        List<Job> jobs = new ArrayList<>();
        long bytes = 0;
        while (response.hasNext() && jobs.size() < pageSize) {
            String before = response.getContinuationToken();
            ScheduledJob job = response.next(options);
            if (!Objects.equals(before, response.getContinuationToken())) {
                pageStart = before;
                taken = 0;
            }
            taken++;
            if (taken > position.skip() || !Objects.equals(pageStart, position.upstreamToken())) {
                Job converted = JobMapper.toProto(job);
                long jobBytes = 1L + CodedOutputStream.computeMessageSizeNoTag(converted);
                if (!jobs.isEmpty() && bytes + jobBytes > maxBytes) {
                    // Full by bytes: the next page starts with this job, the (taken - 1)th of its upstream page.
                    return new Page(jobs, new Position(position.type(), position.state(), pageStart, taken - 1));
                }
                jobs.add(converted);
                bytes += jobBytes;
            }
        }
        if (!response.hasNext()) {
            return new Page(jobs, null);
        }
        Position next = taken >= pageSize
                ? new Position(position.type(), position.state(), response.getContinuationToken(), 0)
                : new Position(position.type(), position.state(), pageStart, taken);
        return new Page(jobs, next);
    }

    /**
     * The filters a page token is bound to, as its text: a token is good only with the type and
     * state of the listing that gave it. Known values only ({@link JobChecks#listFilters}).
     */
    static String filters(JobType type, JobState state) {
        return "type=" + type.getNumber() + ",state=" + state.getNumber();
    }

    /** The cursor a page token carries for {@code position}. */
    static PageTokens.Cursor cursor(Position position) {
        return new PageTokens.Cursor(filters(position.type(), position.state()), position.upstreamToken(), position.skip());
    }

    /**
     * The position a page token's cursor names, for a listing with these filters;
     * INVALID_ARGUMENT on {@code field} when the token was given for other filters.
     */
    static Position position(PageTokens.Cursor cursor, String field, JobType type, JobState state) {
        if (!cursor.text().equals(filters(type, state))) {
            throw Validation.invalidField(field, "the page token belongs to a listing with other filters; "
                    + "send the same type and state as for the first page");
        }
        return new Position(type, state, cursor.upstream(), cursor.offset());
    }
}
