package io.hubgate.server.service;

import com.google.gson.JsonObject;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.hubgate.api.v1.Twin;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.hubgate.api.v1.GetTwinRequest;
import io.hubgate.api.v1.QueryResult;
import io.hubgate.api.v1.QueryTwinsRequest;
import io.hubgate.api.v1.QueryTwinsResponse;
import io.hubgate.api.v1.ReplaceTwinRequest;
import io.hubgate.api.v1.StreamQueryTwinsRequest;
import io.hubgate.api.v1.TwinServiceGrpc;
import io.hubgate.api.v1.UpdateTwinRequest;
import io.hubgate.server.hub.RetryPolicy.Repeatability;
import io.hubgate.server.hub.Upstream;
import io.hubgate.server.hub.UpstreamCalls;
import io.hubgate.server.hub.Verifier;

import java.util.concurrent.CompletableFuture;

/**
 * Twins over gRPC, all of them on the controlled path ({@link Upstream#rest()}), never the SDK's
 * TwinClient or QueryClient. Why (DESIGN):
 * <ul>
 *   <li>the SDK parses every twin it reads ({@code Twin.fromJson}, and each TwinCollection insert)
 *       by validating the whole collection again per key: quadratic in the key count, 5 s of a
 *       core for 1,000 keys and 37 s for 6,500. A device writes its own reported section, so one
 *       device could make every read of its twin, every write's answer and every query page
 *       holding it cost tens of seconds. The controlled path hands the twin over as text, read by
 *       {@link TwinJson} in one linear pass;</li>
 *   <li>the SDK hides IoT Hub's {@code Retry-After}; twin reads, writes and queries are the
 *       per-second throttled classes, and on the controlled path a retry waits at least as long
 *       as the hub asked and {@code RetryInfo} carries the hub's value;</li>
 *   <li>the SDK puts ids into URLs unencoded, and HttpURLConnection resends a PUT whose answer was
 *       lost (an applied conditional replace would then read ABORTED); the controlled path
 *       encodes every id and never resends.</li>
 * </ul>
 * A conditional write whose answer was lost is settled by reading the twin: the etag it was
 * conditional on still current means it has not happened yet (and it is tried again); a twin
 * holding exactly what it wrote means it happened (OK); otherwise the answer is
 * UPSTREAM_OUTCOME_UNKNOWN. A slow hub can still apply the first copy after that read, so a 412
 * for the copy sent again is settled the same way, never answered ABORTED (see UpstreamCalls).
 * An unconditional merge or replace is not repeated either (see {@link #write}).
 */
public final class TwinServiceImpl extends TwinServiceGrpc.TwinServiceImplBase {

    private final UpstreamCalls calls;
    private final PageTokens tokens;

    public TwinServiceImpl(UpstreamCalls calls, PageTokens tokens) {
        this.calls = calls;
        this.tokens = tokens;
    }

    @Override
    public void getTwin(GetTwinRequest request, StreamObserver<Twin> observer) {
        Responses.guard(observer, () -> {
            new Validation().id("device_id", request.getDeviceId(), "device id")
                    .optionalModuleId("module_id", request.getModuleId()).check();
            Responses.complete(calls.runHere(Repeatability.REPEATABLE, upstream -> read(upstream, request.getDeviceId(),
                    request.getModuleId())), twin -> twin, observer);
        });
    }

    private static Twin read(Upstream upstream, String deviceId, String moduleId) throws Exception {
        return TwinJson.read(upstream.rest().getTwin(deviceId, moduleId));
    }

    @Override
    public void updateTwin(UpdateTwinRequest request, StreamObserver<Twin> observer) {
        Responses.guard(observer, () -> {
            Struct tags = request.hasTags() ? request.getTags() : null;
            Struct desired = request.hasDesired() ? request.getDesired() : null;
            Validation validation = writeChecks(request.getDeviceId(), request.getModuleId(), tags, desired)
                    .etag("etag", request.getEtag());
            boolean empty = (tags == null || tags.getFieldsCount() == 0) && (desired == null || desired.getFieldsCount() == 0);
            if (empty) {
                validation.add("tags", "nothing to update: give tags or desired properties (a null value deletes a key)");
            }
            validation.check();
            String deviceId = request.getDeviceId();
            String moduleId = request.getModuleId();
            String etag = request.getEtag().isEmpty() ? null : request.getEtag();
            JsonObject patch = body(tags, desired);
            UpstreamCalls.Call<Twin> call = upstream -> TwinJson.read(upstream.rest().patchTwin(deviceId, moduleId, patch, etag));
            Responses.complete(write(call, deviceId, moduleId, etag, tags, desired, false), twin -> twin, observer);
        });
    }

    @Override
    public void replaceTwin(ReplaceTwinRequest request, StreamObserver<Twin> observer) {
        Responses.guard(observer, () -> {
            writeChecks(request.getDeviceId(), request.getModuleId(),
                    request.hasTags() ? request.getTags() : null, request.hasDesired() ? request.getDesired() : null)
                    .etag("etag", request.getEtag()).check();
            Struct tags = request.hasTags() ? request.getTags() : Struct.getDefaultInstance();
            Struct desired = request.hasDesired() ? request.getDesired() : Struct.getDefaultInstance();
            String deviceId = request.getDeviceId();
            String moduleId = request.getModuleId();
            String etag = request.getEtag().isEmpty() ? null : request.getEtag();
            JsonObject replacement = body(tags, desired);
            UpstreamCalls.Call<Twin> call = upstream -> TwinJson.read(upstream.rest().replaceTwin(deviceId, moduleId, replacement, etag));
            Responses.complete(write(call, deviceId, moduleId, etag, tags, desired, true), twin -> twin, observer);
        });
    }

    /**
     * Every twin write runs at most once: a copy sent again after a lost answer would move the
     * twin's version twice and hand a connected device the same desired patch twice.
     *
     * <p>A conditional write whose answer was lost is settled by reading the twin: the etag it was
     * conditional on still current means not applied (yet); a twin that carries exactly what this
     * call wrote means applied (answered with that twin); anything else is unknown.
     *
     * <p>An unconditional write whose answer was lost is answered UPSTREAM_OUTCOME_UNKNOWN, without
     * a read: no read after the fact can prove it landed. Proof needs a state known from before the
     * write to compare with, and an unconditional write has none: a twin carrying the patch may
     * have carried it already (the same values written before, by this caller or another), and a
     * version of "one more" needs a version read before sending. Nor can a read prove it did not
     * land: another writer may have overwritten it, or a slow hub may apply it after the read.
     * Reading every twin before every unconditional write would give that baseline, at the price
     * of a second throttled hub operation on every write to settle a rare failure; a caller who
     * wants the gateway to settle a lost answer sends the etag instead. Failures before the request
     * went out (no connection, a 429) are still retried ({@link Repeatability#NOT_REPEATABLE}).
     */
    private CompletableFuture<Twin> write(UpstreamCalls.Call<Twin> call, String deviceId, String moduleId, String etag,
                                          Struct tags, Struct desired, boolean replace) {
        if (etag == null) {
            return calls.runHere(Repeatability.NOT_REPEATABLE, call);
        }
        return calls.runHere(call, upstream -> {
            Twin found = read(upstream, deviceId, moduleId);
            if (etag.equals(found.getEtag())) {
                return Verifier.Verdict.notApplied();
            }
            return TwinWrites.carries(found, tags, desired, replace)
                    ? Verifier.Verdict.applied(found) : Verifier.Verdict.unknown();
        });
    }

    /** The controlled path's body: {@code {"tags":…,"properties":{"desired":…}}}, null values kept (they delete). */
    private static JsonObject body(Struct tags, Struct desired) {
        JsonObject body = new JsonObject();
        if (tags != null) {
            body.add("tags", StructConverter.toGson(Value.newBuilder().setStructValue(tags).build()));
        }
        if (desired != null) {
            JsonObject properties = new JsonObject();
            properties.add("desired", StructConverter.toGson(Value.newBuilder().setStructValue(desired).build()));
            body.add("properties", properties);
        }
        return body;
    }

    private static Validation writeChecks(String deviceId, String moduleId, Struct tags, Struct desired) {
        Validation validation = new Validation().id("device_id", deviceId, "device id").optionalModuleId("module_id", moduleId);
        if (tags != null) {
            TwinChecks.section(validation, "tags", tags);
        }
        if (desired != null) {
            TwinChecks.section(validation, "desired", desired);
        }
        return validation;
    }

    @Override
    public void queryTwins(QueryTwinsRequest request, StreamObserver<QueryTwinsResponse> observer) {
        Responses.guard(observer, () -> {
            Validation validation = new Validation().pageSize("page_size", request.getPageSize());
            PageTokens.Binding binding = tokens.bind(PageTokens.Kind.QUERY_TWINS, request.getPageSize());
            QueryPager.Position position;
            if (request.getPageToken().isEmpty()) {
                QueryResults.checkQuery(validation, "query", request.getQuery());
                validation.check();
                position = new QueryPager.Position(request.getQuery(), null, 0);
            } else {
                validation.check();
                PageTokens.Cursor cursor = binding.read(request.getPageToken(), "page_token");
                // The token carries its query; a query sent with it must be that one (AIP-158).
                if (!request.getQuery().isEmpty() && !request.getQuery().equals(cursor.text())) {
                    throw PageTokens.mismatch("page_token", "query");
                }
                position = QueryPager.position(cursor.text(), cursor);
            }
            boolean twins = QueryResults.selectsTwins(position.query());
            int size = Validation.effectivePageSize(request.getPageSize());
            Responses.complete(calls.runHere(Repeatability.REPEATABLE, upstream ->
                    QueryPager.read(upstream.rest(), position, size, QueryPager.MAX_ITEM_BYTES,
                            item -> QueryResults.of(item, twins))), page -> {
                QueryTwinsResponse.Builder response = QueryTwinsResponse.newBuilder().addAllResults(page.items());
                if (page.next() != null) {
                    response.setNextPageToken(binding.mint(QueryPager.cursor(page.next(), page.next().query())));
                }
                return response.build();
            }, observer);
        });
    }

    @Override
    public void streamQueryTwins(StreamQueryTwinsRequest request, StreamObserver<QueryResult> observer) {
        Responses.guard(observer, () -> {
            Validation validation = new Validation().pageSize("page_size", request.getPageSize());
            QueryResults.checkQuery(validation, "query", request.getQuery());
            validation.check();
            new QueryStream(calls, (ServerCallStreamObserver<QueryResult>) observer, request.getQuery(),
                    Validation.effectivePageSize(request.getPageSize())).start();
        });
    }
}
