package io.hubgate.server.api;

import com.google.protobuf.Struct;
import com.microsoft.azure.sdk.iot.service.twin.Twin;
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
import io.hubgate.server.hub.UpstreamCalls;

/**
 * Twins over gRPC through the SDK's TwinClient and QueryClient. A conditional write (with an
 * etag) is not retried after an ambiguous failure: if the first attempt landed, the retry would
 * report a spurious ABORTED; an unconditional merge or replace is safe to repeat.
 */
public final class TwinServiceImpl extends TwinServiceGrpc.TwinServiceImplBase {

    private final UpstreamCalls calls;
    private final PageTokens tokens;

    public TwinServiceImpl(UpstreamCalls calls, PageTokens tokens) {
        this.calls = calls;
        this.tokens = tokens;
    }

    @Override
    public void getTwin(GetTwinRequest request, StreamObserver<io.hubgate.api.v1.Twin> observer) {
        Responses.guard(observer, () -> {
            new Validation().id("device_id", request.getDeviceId(), "device id")
                    .optionalModuleId("module_id", request.getModuleId()).check();
            Responses.complete(calls.runHere(Repeatability.REPEATABLE, (clients, remaining) -> request.getModuleId().isEmpty()
                            ? clients.within(remaining).twins().get(request.getDeviceId())
                            : clients.within(remaining).twins().get(request.getDeviceId(), request.getModuleId())),
                    TwinMapper::toProto, observer);
        });
    }

    @Override
    public void updateTwin(UpdateTwinRequest request, StreamObserver<io.hubgate.api.v1.Twin> observer) {
        Responses.guard(observer, () -> {
            Validation validation = writeChecks(request.getDeviceId(), request.getModuleId(),
                    request.hasTags() ? request.getTags() : null, request.hasDesired() ? request.getDesired() : null)
                    .etag("etag", request.getEtag());
            boolean empty = (!request.hasTags() || request.getTags().getFieldsCount() == 0)
                    && (!request.hasDesired() || request.getDesired().getFieldsCount() == 0);
            if (empty) {
                validation.add("tags", "nothing to update: give tags or desired properties (a null value deletes a key)");
            }
            validation.check();
            Twin twin = TwinMapper.toSdk(request.getDeviceId(), request.getModuleId(),
                    request.hasTags() ? request.getTags() : null, request.hasDesired() ? request.getDesired() : null);
            String etag = request.getEtag().isEmpty() ? null : request.getEtag();
            Responses.complete(calls.runHere(etag == null ? Repeatability.REPEATABLE : Repeatability.NOT_REPEATABLE,
                    (clients, remaining) -> clients.within(remaining).twins().patch(twin, etag)), TwinMapper::toProto, observer);
        });
    }

    @Override
    public void replaceTwin(ReplaceTwinRequest request, StreamObserver<io.hubgate.api.v1.Twin> observer) {
        Responses.guard(observer, () -> {
            writeChecks(request.getDeviceId(), request.getModuleId(),
                    request.hasTags() ? request.getTags() : null, request.hasDesired() ? request.getDesired() : null)
                    .etag("etag", request.getEtag()).check();
            Twin twin = TwinMapper.toSdk(request.getDeviceId(), request.getModuleId(),
                    request.hasTags() ? request.getTags() : Struct.getDefaultInstance(),
                    request.hasDesired() ? request.getDesired() : Struct.getDefaultInstance());
            String etag = request.getEtag().isEmpty() ? null : request.getEtag();
            Responses.complete(calls.runHere(etag == null ? Repeatability.REPEATABLE : Repeatability.NOT_REPEATABLE,
                    (clients, remaining) -> clients.within(remaining).twins().replace(twin, etag)), TwinMapper::toProto, observer);
        });
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
            Responses.complete(calls.runHere(Repeatability.REPEATABLE, (clients, remaining) ->
                    QueryPager.read(clients.within(remaining).query(), position, size)), page -> {
                QueryTwinsResponse.Builder response = QueryTwinsResponse.newBuilder();
                page.items().forEach(item -> response.addResults(QueryResults.of(item, twins)));
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
