package io.hubgate.server.service;

import com.google.gson.JsonObject;
import com.google.protobuf.Empty;
import com.google.rpc.Code;
import com.microsoft.azure.sdk.iot.service.registry.RegistryStatistics;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import io.hubgate.api.v1.BatchCreateDevicesRequest;
import io.hubgate.api.v1.BatchCreateDevicesResponse;
import io.hubgate.api.v1.BatchDeleteDevicesRequest;
import io.hubgate.api.v1.BatchDeleteDevicesResponse;
import io.hubgate.api.v1.BatchUpdateDevicesRequest;
import io.hubgate.api.v1.BatchUpdateDevicesResponse;
import io.hubgate.api.v1.CreateDeviceRequest;
import io.hubgate.api.v1.CreateModuleRequest;
import io.hubgate.api.v1.DeleteDeviceRequest;
import io.hubgate.api.v1.DeleteModuleRequest;
import io.hubgate.api.v1.DeviceResult;
import io.hubgate.api.v1.GetDeviceRequest;
import io.hubgate.api.v1.GetModuleRequest;
import io.hubgate.api.v1.GetRegistryStatisticsRequest;
import io.hubgate.api.v1.IdentityView;
import io.hubgate.api.v1.ListDevicesRequest;
import io.hubgate.api.v1.ListDevicesResponse;
import io.hubgate.api.v1.ListModulesRequest;
import io.hubgate.api.v1.ListModulesResponse;
import io.hubgate.api.v1.RegistryServiceGrpc;
import io.hubgate.api.v1.UpdateDeviceRequest;
import io.hubgate.api.v1.UpdateModuleRequest;
import io.hubgate.server.auth.KeyAccess;
import io.hubgate.server.errors.GatewayStatus;
import io.hubgate.server.hub.HubErrorMapper;
import io.hubgate.server.hub.HubErrorResponse;
import io.hubgate.server.hub.RetryPolicy.Repeatability;
import io.hubgate.server.hub.UpstreamCalls;
import io.hubgate.server.hub.Verifier;
import io.hubgate.server.hub.rest.HubRest;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The identity registry over gRPC: validates each request, then performs it upstream. Handlers
 * hold no I/O of their own: every upstream call goes through {@link UpstreamCalls}, every failure
 * through the one error mapper.
 *
 * <p>Which path serves what, and why:
 * <ul>
 *   <li>Device and module identities (create, get, update, delete, list modules) take the
 *       controlled path ({@code hub.rest}). The SDK cannot do them correctly: it writes updates
 *       with {@code If-Match: *} (so concurrent updates are lost), its HttpURLConnection resends a
 *       PUT or DELETE whose answer was lost (a create it performed then reads ALREADY_EXISTS, a
 *       delete NOT_FOUND), and it concatenates ids into URLs (so {@code %72x} or {@code x?y} reach
 *       another identity). Reads of identities come along so that one JSON mapping serves them.</li>
 *   <li>Batch create and delete use IoT Hub's bulk API ({@code POST /devices}, at most
 *       {@value #BULK_LIMIT} items a request), which the SDK does not have. Batch update stays a
 *       conditional update per item: a bulk update replaces whole identities, and a field mask
 *       needs each one read first anyway.</li>
 *   <li>Listing (through the query API) and statistics stay on the SDK, which does them correctly.</li>
 * </ul>
 */
public final class RegistryServiceImpl extends RegistryServiceGrpc.RegistryServiceImplBase {

    /** Items in one bulk registry request: IoT Hub's limit. */
    static final int BULK_LIMIT = 100;
    /** Read-modify-write rounds of an update without an etag when other writers keep winning. */
    static final int MAX_UPDATE_ROUNDS = 10;

    private final UpstreamCalls calls;
    private final KeyAccess keyAccess;
    private final DeviceLister lister;
    private final PageTokens tokens;
    private final BulkRegistry bulk;

    public RegistryServiceImpl(UpstreamCalls calls, KeyAccess keyAccess, PageTokens tokens) {
        this.calls = calls;
        this.keyAccess = keyAccess;
        this.tokens = tokens;
        this.lister = new DeviceLister(calls, tokens);
        this.bulk = new BulkRegistry(calls, BULK_LIMIT);
    }

    @Override
    public void createDevice(CreateDeviceRequest request, StreamObserver<io.hubgate.api.v1.Device> observer) {
        Responses.guard(observer, () -> {
            boolean withKeys = withKeys(request.getView(), "CreateDevice");
            RequestChecks.newDevice(request.getDevice(), "device").check();
            JsonObject body = IdentityJson.newDevice(request.getDevice());
            String deviceId = request.getDevice().getDeviceId();
            Responses.complete(calls.runHere(upstream -> created(body, () -> upstream.rest().createDevice(body),
                                    () -> upstream.rest().getDevice(deviceId)),
                            upstream -> createdOrNot(body, Lost.orNull(() -> upstream.rest().getDevice(deviceId)))),
                    json -> IdentityJson.toDevice(json, withKeys), observer);
        });
    }

    /**
     * Creates an identity. A 409 for an identity that has exactly the SAS keys this request sent
     * is this request's own identity (keys are random secrets): a create of ours that landed while
     * its answer was lost, or the same create repeated. It answers that identity, so a create is
     * idempotent and never reports ALREADY_EXISTS for what it made itself.
     */
    private static JsonObject created(JsonObject sent, Lost.Read create, Lost.Read find) throws Exception {
        try {
            return create.get();
        } catch (HubErrorResponse conflict) {
            if (conflict.httpStatus() != 409) {
                throw conflict;
            }
            JsonObject found = Lost.orNull(find);
            if (found != null && IdentityJson.sameCredentials(sent, found)) {
                return found;
            }
            throw conflict;
        }
    }

    /**
     * After a create lost its answer: absent means it did not happen (try again); present with the
     * keys (or, for X.509, the thumbprints) this request sent means it did; anything else cannot
     * be told from an older identity.
     */
    private static Verifier.Verdict<JsonObject> createdOrNot(JsonObject sent, JsonObject found) {
        if (found == null) {
            return Verifier.Verdict.notApplied();
        }
        return IdentityJson.sameCredentials(sent, found) ? Verifier.Verdict.applied(found) : Verifier.Verdict.unknown();
    }

    /** After a delete lost its answer: gone means done; still there means it did not happen (try again). */
    private static Verifier.Verdict<Void> deletedOrNot(JsonObject found) {
        return found == null ? Verifier.Verdict.applied(null) : Verifier.Verdict.notApplied();
    }

    /**
     * After a conditional write lost its answer: the etag it was conditional on still current
     * means it has not happened (yet); an identity on which applying the update again changes
     * nothing carries what this call wrote (answered with it); anything else cannot be told.
     */
    private static Verifier.Verdict<JsonObject> writtenOrNot(String conditionalOn, JsonObject found,
                                                             java.util.function.Consumer<JsonObject> update) {
        if (found == null) {
            return Verifier.Verdict.unknown();
        }
        if (conditionalOn.equals(IdentityJson.text(found, "etag"))) {
            return Verifier.Verdict.notApplied();
        }
        JsonObject again = found.deepCopy();
        update.accept(again);
        return again.equals(found) ? Verifier.Verdict.applied(found) : Verifier.Verdict.unknown();
    }

    @Override
    public void getDevice(GetDeviceRequest request, StreamObserver<io.hubgate.api.v1.Device> observer) {
        Responses.guard(observer, () -> {
            boolean withKeys = withKeys(request.getView(), "GetDevice");
            new Validation().id("device_id", request.getDeviceId(), "device id").check();
            Responses.complete(calls.runHere(Repeatability.REPEATABLE, upstream -> upstream.rest().getDevice(request.getDeviceId())),
                    json -> IdentityJson.toDevice(json, withKeys), observer);
        });
    }

    @Override
    public void updateDevice(UpdateDeviceRequest request, StreamObserver<io.hubgate.api.v1.Device> observer) {
        Responses.guard(observer, () -> {
            boolean withKeys = withKeys(request.getView(), "UpdateDevice");
            DeviceUpdate update = DeviceUpdate.of(request, "");
            Responses.complete(updateDevice(update, true), json -> IdentityJson.toDevice(json, withKeys), observer);
        });
    }

    /**
     * Read, apply the fields, write back with {@code If-Match}: the caller's etag when given (a
     * stale one is ABORTED, by the gateway or by IoT Hub), else the etag just read, and on a 412
     * read again. Without a caller etag the whole round is repeatable (its values are absolute);
     * with one, a lost answer is settled by whether the etag is still current.
     */
    CompletableFuture<JsonObject> updateDevice(DeviceUpdate update, boolean here) {
        return readModifyWrite(update, here, rest -> () -> rest.getDevice(update.deviceId()), rest -> rest::updateDevice);
    }

    /** A write of one identity, conditional on {@code etag}. */
    @FunctionalInterface
    private interface ConditionalWrite {
        JsonObject put(JsonObject identity, String etag) throws Exception;
    }

    /**
     * The read-modify-write of {@link #updateDevice(DeviceUpdate, boolean)}, for a device or a
     * module: {@code read} and {@code write} say which, on the attempt's controlled path.
     */
    private CompletableFuture<JsonObject> readModifyWrite(IdentityUpdate update, boolean here,
                                                          Function<HubRest, Lost.Read> read,
                                                          Function<HubRest, ConditionalWrite> write) {
        UpstreamCalls.Call<JsonObject> call = upstream -> {
            HubRest rest = upstream.rest();
            for (int round = 1; ; round++) {
                JsonObject current = read.apply(rest).get();
                String etag = IdentityJson.text(current, "etag");
                update.checkEtag(etag);
                update.applyTo(current);
                try {
                    return write.apply(rest).put(current, etag);
                } catch (HubErrorResponse refused) {
                    if (refused.httpStatus() != 412 || !update.etag().isEmpty() || round >= MAX_UPDATE_ROUNDS) {
                        throw refused;
                    }
                }
            }
        };
        if (update.etag().isEmpty()) {
            return upstream(here, Repeatability.REPEATABLE, call);
        }
        Verifier<JsonObject> verifier = upstream -> writtenOrNot(update.etag(),
                Lost.orNull(read.apply(upstream.rest())), update::applyTo);
        return here ? calls.runHere(call, verifier) : calls.submit(call, verifier);
    }

    private <T> CompletableFuture<T> upstream(boolean here, Repeatability repeatability, UpstreamCalls.Call<T> call) {
        return here ? calls.runHere(repeatability, call) : calls.submit(repeatability, call);
    }

    @Override
    public void deleteDevice(DeleteDeviceRequest request, StreamObserver<Empty> observer) {
        Responses.guard(observer, () -> {
            new Validation().id("device_id", request.getDeviceId(), "device id").etag("etag", request.getEtag()).check();
            Responses.complete(calls.runHere(upstream -> {
                        upstream.rest().deleteDevice(request.getDeviceId(), request.getEtag());
                        return null;
                    }, upstream -> deletedOrNot(Lost.orNull(() -> upstream.rest().getDevice(request.getDeviceId())))),
                    ignored -> Empty.getDefaultInstance(), observer);
        });
    }

    @Override
    public void listDevices(ListDevicesRequest request, StreamObserver<ListDevicesResponse> observer) {
        Responses.guard(observer, () -> {
            new Validation().pageSize("page_size", request.getPageSize()).check();
            Responses.complete(lister.page(request.getPageSize(), request.getPageToken()), Function.identity(), observer);
        });
    }

    @Override
    public void createModule(CreateModuleRequest request, StreamObserver<io.hubgate.api.v1.Module> observer) {
        Responses.guard(observer, () -> {
            boolean withKeys = withKeys(request.getView(), "CreateModule");
            RequestChecks.newModule(request.getModule(), "module").check();
            JsonObject body = IdentityJson.newModule(request.getModule());
            String deviceId = request.getModule().getDeviceId();
            String moduleId = request.getModule().getModuleId();
            Responses.complete(calls.runHere(upstream -> created(body, () -> upstream.rest().createModule(body),
                                    () -> upstream.rest().getModule(deviceId, moduleId)),
                            upstream -> createdOrNot(body, Lost.orNull(() -> upstream.rest().getModule(deviceId, moduleId)))),
                    json -> IdentityJson.toModule(json, withKeys), observer);
        });
    }

    @Override
    public void getModule(GetModuleRequest request, StreamObserver<io.hubgate.api.v1.Module> observer) {
        Responses.guard(observer, () -> {
            boolean withKeys = withKeys(request.getView(), "GetModule");
            new Validation().id("device_id", request.getDeviceId(), "device id")
                    .id("module_id", request.getModuleId(), "module id").check();
            Responses.complete(calls.runHere(Repeatability.REPEATABLE, upstream ->
                            upstream.rest().getModule(request.getDeviceId(), request.getModuleId())),
                    json -> IdentityJson.toModule(json, withKeys), observer);
        });
    }

    /** As {@link #updateDevice(DeviceUpdate, boolean)}, for a module. */
    @Override
    public void updateModule(UpdateModuleRequest request, StreamObserver<io.hubgate.api.v1.Module> observer) {
        Responses.guard(observer, () -> {
            boolean withKeys = withKeys(request.getView(), "UpdateModule");
            ModuleUpdate update = ModuleUpdate.of(request);
            CompletableFuture<JsonObject> updated = readModifyWrite(update, true,
                    rest -> () -> rest.getModule(update.deviceId(), update.moduleId()), rest -> rest::updateModule);
            Responses.complete(updated, json -> IdentityJson.toModule(json, withKeys), observer);
        });
    }

    @Override
    public void deleteModule(DeleteModuleRequest request, StreamObserver<Empty> observer) {
        Responses.guard(observer, () -> {
            new Validation().id("device_id", request.getDeviceId(), "device id")
                    .id("module_id", request.getModuleId(), "module id").etag("etag", request.getEtag()).check();
            Responses.complete(calls.runHere(upstream -> {
                        upstream.rest().deleteModule(request.getDeviceId(), request.getModuleId(), request.getEtag());
                        return null;
                    }, upstream -> deletedOrNot(Lost.orNull(() -> upstream.rest().getModule(request.getDeviceId(), request.getModuleId())))),
                    ignored -> Empty.getDefaultInstance(), observer);
        });
    }

    @Override
    public void listModules(ListModulesRequest request, StreamObserver<ListModulesResponse> observer) {
        Responses.guard(observer, () -> {
            new Validation().id("device_id", request.getDeviceId(), "device id")
                    .pageSize("page_size", request.getPageSize()).check();
            PageTokens.Binding binding = tokens.bind(PageTokens.Kind.LIST_MODULES, request.getPageSize());
            int offset = ModulePages.offset(binding, request.getPageToken(), request.getDeviceId());
            int size = Validation.effectivePageSize(request.getPageSize());
            Responses.complete(calls.runHere(Repeatability.REPEATABLE, upstream -> upstream.rest().listModules(request.getDeviceId())),
                    modules -> ModulePages.page(modules, binding, request.getDeviceId(), offset, size), observer);
        });
    }

    @Override
    public void getRegistryStatistics(GetRegistryStatisticsRequest request,
                                      StreamObserver<io.hubgate.api.v1.RegistryStatistics> observer) {
        Responses.complete(calls.runHere(Repeatability.REPEATABLE, upstream -> upstream.sdk().registry().getStatistics()),
                RegistryServiceImpl::statistics, observer);
    }

    private static io.hubgate.api.v1.RegistryStatistics statistics(RegistryStatistics statistics) {
        return io.hubgate.api.v1.RegistryStatistics.newBuilder()
                .setTotalDeviceCount(statistics.getTotalDeviceCount())
                .setEnabledDeviceCount(statistics.getEnabledDeviceCount())
                .setDisabledDeviceCount(statistics.getDisabledDeviceCount())
                .build();
    }

    @Override
    public void batchCreateDevices(BatchCreateDevicesRequest request, StreamObserver<BatchCreateDevicesResponse> observer) {
        Responses.guard(observer, () -> {
            List<String> ids = request.getRequestsList().stream().map(r -> r.getDevice().getDeviceId()).toList();
            checkBatchIds(ids, "requests[%d].device.device_id");
            List<BulkRegistry.Item> items = new ArrayList<>();
            for (int i = 0; i < request.getRequestsCount(); i++) {
                CreateDeviceRequest item = request.getRequests(i);
                boolean withKeys = withKeys(item.getView(), "BatchCreateDevices");
                Validation validation = RequestChecks.newDevice(item.getDevice(), "requests[" + i + "].device");
                items.add(BulkRegistry.Item.create(item.getDevice().getDeviceId(), validation,
                        () -> IdentityJson.newDevice(item.getDevice()), withKeys));
            }
            Responses.complete(bulk.run(items), list -> BatchCreateDevicesResponse.newBuilder().addAllResults(list).build(), observer);
        });
    }

    @Override
    public void batchUpdateDevices(BatchUpdateDevicesRequest request, StreamObserver<BatchUpdateDevicesResponse> observer) {
        Responses.guard(observer, () -> {
            List<String> ids = request.getRequestsList().stream().map(r -> r.getDevice().getDeviceId()).toList();
            checkBatchIds(ids, "requests[%d].device.device_id");
            List<CompletableFuture<DeviceResult>> results = new ArrayList<>();
            for (int i = 0; i < request.getRequestsCount(); i++) {
                UpdateDeviceRequest item = request.getRequests(i);
                String prefix = "requests[" + i + "].";
                boolean withKeys = withKeys(item.getView(), "BatchUpdateDevices");
                results.add(itemResult(item.getDevice().getDeviceId(), () ->
                        updateDevice(DeviceUpdate.of(item, prefix), false).thenApply(json -> IdentityJson.toDevice(json, withKeys))));
            }
            Responses.complete(all(results), list -> BatchUpdateDevicesResponse.newBuilder().addAllResults(list).build(), observer);
        });
    }

    @Override
    public void batchDeleteDevices(BatchDeleteDevicesRequest request, StreamObserver<BatchDeleteDevicesResponse> observer) {
        Responses.guard(observer, () -> {
            List<String> ids = request.getRequestsList().stream().map(DeleteDeviceRequest::getDeviceId).toList();
            checkBatchIds(ids, "requests[%d].device_id");
            List<BulkRegistry.Item> items = new ArrayList<>();
            for (int i = 0; i < request.getRequestsCount(); i++) {
                DeleteDeviceRequest item = request.getRequests(i);
                items.add(BulkRegistry.Item.delete(item.getDeviceId(),
                        new Validation().id("requests[" + i + "].device_id", item.getDeviceId(), "device id")
                                .etag("requests[" + i + "].etag", item.getEtag()), item.getEtag()));
            }
            Responses.complete(bulk.run(items), list -> BatchDeleteDevicesResponse.newBuilder().addAllResults(list).build(), observer);
        });
    }

    /** A batch fails as a whole only when it is malformed: an empty or repeated device id. */
    private static void checkBatchIds(List<String> ids, String fieldPattern) {
        Validation validation = new Validation();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < ids.size(); i++) {
            if (!ids.get(i).isEmpty() && !seen.add(ids.get(i))) {
                validation.add(String.format(fieldPattern, i), "the device id '" + ids.get(i) + "' appears more than once");
            }
        }
        validation.check();
    }

    /** One batch item's outcome: its own validation error or upstream failure becomes its status. */
    private static CompletableFuture<DeviceResult> itemResult(String deviceId,
                                                              java.util.function.Supplier<CompletableFuture<io.hubgate.api.v1.Device>> work) {
        CompletableFuture<io.hubgate.api.v1.Device> outcome;
        try {
            outcome = work.get();
        } catch (StatusRuntimeException invalid) {
            outcome = CompletableFuture.failedFuture(invalid);
        }
        return outcome.handle((device, failure) -> {
            DeviceResult.Builder result = DeviceResult.newBuilder().setDeviceId(deviceId);
            if (failure == null) {
                result.setStatus(com.google.rpc.Status.newBuilder().setCode(Code.OK.getNumber()));
                if (device != null) {
                    result.setDevice(device);
                }
            } else {
                result.setStatus(StatusProto.fromThrowable(HubErrorMapper.map(failure)));
            }
            return result.build();
        });
    }

    private static CompletableFuture<List<DeviceResult>> all(List<CompletableFuture<DeviceResult>> results) {
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
                .thenApply(ignored -> results.stream().map(CompletableFuture::join).toList());
    }

    /** @param rpc the RPC's name in RegistryService, for the denial's ErrorInfo */
    private boolean withKeys(IdentityView view, String rpc) {
        boolean wanted = view == IdentityView.IDENTITY_VIEW_WITH_KEYS;
        if (wanted && !keyAccess.mayReadKeys()) {
            throw GatewayStatus.missingRole(RegistryServiceGrpc.SERVICE_NAME + "/" + rpc, "Reading keys (IDENTITY_VIEW_WITH_KEYS) needs the role "
                    + keyAccess.requiredRole(), java.util.Set.of(keyAccess.requiredRole()));
        }
        return wanted;
    }
}
