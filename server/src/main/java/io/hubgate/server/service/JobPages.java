package io.hubgate.server.service;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubException;
import com.microsoft.azure.sdk.iot.service.jobs.ScheduledJob;
import com.microsoft.azure.sdk.iot.service.jobs.ScheduledJobsClient;
import com.microsoft.azure.sdk.iot.service.query.JobQueryResponse;
import com.microsoft.azure.sdk.iot.service.query.QueryPageOptions;
import io.hubgate.api.v1.JobState;
import io.hubgate.api.v1.JobType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * Reads the job listing ({@code GET /jobs/v2/query}) one gRPC page at a time, with a page token
 * that carries the filters and IoT Hub's continuation. As in {@link QueryPager}, the position is
 * "the continuation that fetched the current upstream page, and how many of its items were
 * taken", because the SDK's response fetches further pages by itself without saying where one
 * ends. A token is refused with other filters than it was issued for.
 */
final class JobPages {

    /** Where a caller is in a listing. {@code upstreamToken} null: at the first upstream page. */
    record Position(JobType type, JobState state, String upstreamToken, int skip) {
    }

    /** One page of jobs and where the next page starts (null: no more). */
    record Page(List<ScheduledJob> jobs, Position next) {
    }

    private JobPages() {
    }

    static Page read(ScheduledJobsClient client, Position position, int pageSize) throws IOException, IotHubException {
        QueryPageOptions options = QueryPageOptions.builder().pageSize(pageSize)
                .continuationToken(position.upstreamToken()).build();
        JobQueryResponse response = client.query(JobMapper.sdkType(position.type()), JobMapper.sdkStatus(position.state()),
                options);
        String pageStart = position.upstreamToken();
        int taken = 0;
        List<ScheduledJob> jobs = new ArrayList<>();
        while (response.hasNext() && jobs.size() < pageSize) {
            String before = response.getContinuationToken();
            ScheduledJob job = response.next(options);
            if (!Objects.equals(before, response.getContinuationToken())) {
                pageStart = before;
                taken = 0;
            }
            taken++;
            if (taken > position.skip() || !Objects.equals(pageStart, position.upstreamToken())) {
                jobs.add(job);
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

    static String encode(Position position) {
        JsonObject json = new JsonObject();
        json.addProperty("t", position.type().getNumber());
        json.addProperty("st", position.state().getNumber());
        if (position.upstreamToken() != null) {
            json.addProperty("c", position.upstreamToken());
        }
        json.addProperty("s", position.skip());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Decodes a page token for a listing with these filters; INVALID_ARGUMENT on {@code field} for
     * anything not made by {@link #encode}, or made for other filters.
     */
    static Position decode(String token, String field, JobType type, JobState state) {
        Position position;
        try {
            JsonObject json = JsonParser.parseString(new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8))
                    .getAsJsonObject();
            int skip = json.get("s").getAsInt();
            if (skip < 0) {
                throw new IllegalArgumentException("out of range");
            }
            position = new Position(JobType.forNumber(json.get("t").getAsInt()), JobState.forNumber(json.get("st").getAsInt()),
                    json.has("c") ? json.get("c").getAsString() : null, skip);
        } catch (RuntimeException malformed) {
            throw Validation.invalidField(field, "the page token is malformed; pass back next_page_token unchanged");
        }
        if (position.type() != type || position.state() != state) {
            throw Validation.invalidField(field, "the page token belongs to a listing with other filters; "
                    + "send the same type and state as for the first page");
        }
        return position;
    }
}
