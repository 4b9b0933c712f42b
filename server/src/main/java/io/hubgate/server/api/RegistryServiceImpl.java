package io.hubgate.server.api;

import com.google.protobuf.Empty;
import com.google.rpc.Code;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.Module;
import com.microsoft.azure.sdk.iot.service.registry.RegistryStatistics;
import io.grpc.Status;
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
import io.hubgate.server.errors.GatewayStatus;
import io.hubgate.server.hub.HubErrorMapper;
import io.hubgate.server.hub.RetryPolicy.Repeatability;
import io.hubgate.server.hub.UpstreamCalls;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The identity registry over gRPC: validates each request, then performs it through the SDK's
 * RegistryClient (and QueryClient for listing). Handlers hold no I/O of their own: every upstream
 * call goes through {@link UpstreamCalls}, every failure through the one error mapper.
 */
public final class RegistryServiceImpl extends RegistryServiceGrpc.RegistryServiceImplBase {

    private final UpstreamCalls calls;
    private final KeyAccess keyAccess;
    private final DeviceLister lister;
    private final PageTokens tokens;

    public RegistryServiceImpl(UpstreamCalls calls, KeyAccess keyAccess, PageTokens tokens) {
        this.calls = calls;
        this.keyAccess = keyAccess;
        this.tokens = tokens;
        this.lister = new DeviceLister(calls, tokens);
    }

    @Override
    public void createDevice(CreateDeviceRequest request, StreamObserver<io.hubgate.api.v1.Device> observer) {
        Responses.guard(observer, () -> {
            boolean withKeys = withKeys(request.getView(), "CreateDevice");
            RequestChecks.newDevice(request.getDevice(), "device").check();
            Responses.complete(createDevice(request.getDevice(), true), device -> IdentityMapper.toProto(device, withKeys), observer);
        });
    }

    /** @param here run on this thread when a slot is free (a unary call), else on a worker (batch items, in parallel) */
    private CompletableFuture<Device> createDevice(io.hubgate.api.v1.Device device, boolean here) {
        return upstream(here, Repeatability.NOT_REPEATABLE, (clients, remaining) ->
                clients.within(remaining).registry().addDevice(IdentityMapper.newDevice(device)));
    }

    private <T> CompletableFuture<T> upstream(boolean here, Repeatability repeatability, UpstreamCalls.Call<T> call) {
        return here ? calls.runHere(repeatability, call) : calls.submit(repeatability, call);
    }

    @Override
    public void getDevice(GetDeviceRequest request, StreamObserver<io.hubgate.api.v1.Device> observer) {
        Responses.guard(observer, () -> {
            boolean withKeys = withKeys(request.getView(), "GetDevice");
            new Validation().id("device_id", request.getDeviceId(), "device id").check();
            Responses.complete(calls.runHere(Repeatability.REPEATABLE, (clients, remaining) ->
                            clients.within(remaining).registry().getDevice(request.getDeviceId())),
                    device -> IdentityMapper.toProto(device, withKeys), observer);
        });
    }

    @Override
    public void updateDevice(UpdateDeviceRequest request, StreamObserver<io.hubgate.api.v1.Device> observer) {
        Responses.guard(observer, () -> {
            boolean withKeys = withKeys(request.getView(), "UpdateDevice");
            DeviceUpdate update = DeviceUpdate.of(request, "");
            Responses.complete(updateDevice(update, true), device -> IdentityMapper.toProto(device, withKeys), observer);
        });
    }

    private CompletableFuture<Device> updateDevice(DeviceUpdate update, boolean here) {
        return upstream(here, Repeatability.REPEATABLE, (clients, remaining) -> {
            var registry = clients.within(remaining).registry();
            Device current = registry.getDevice(update.deviceId());
            update.checkEtag(current.getETag());
            update.applyTo(current);
            return registry.updateDevice(current);
        });
    }

    @Override
    public void deleteDevice(DeleteDeviceRequest request, StreamObserver<Empty> observer) {
        Responses.guard(observer, () -> {
            new Validation().id("device_id", request.getDeviceId(), "device id").etag("etag", request.getEtag()).check();
            Responses.complete(deleteDevice(request, true), ignored -> Empty.getDefaultInstance(), observer);
        });
    }

    private CompletableFuture<Void> deleteDevice(DeleteDeviceRequest request, boolean here) {
        return upstream(here, Repeatability.NOT_REPEATABLE, (clients, remaining) -> {
            var registry = clients.within(remaining).registry();
            if (request.getEtag().isEmpty()) {
                registry.removeDevice(request.getDeviceId());
            } else {
                registry.removeDevice(new EtaggedDevice(request.getDeviceId(), request.getEtag()));
            }
            return null;
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
            Responses.complete(calls.runHere(Repeatability.NOT_REPEATABLE, (clients, remaining) ->
                            clients.within(remaining).registry().addModule(IdentityMapper.newModule(request.getModule()))),
                    module -> IdentityMapper.toProto(module, withKeys), observer);
        });
    }

    @Override
    public void getModule(GetModuleRequest request, StreamObserver<io.hubgate.api.v1.Module> observer) {
        Responses.guard(observer, () -> {
            boolean withKeys = withKeys(request.getView(), "GetModule");
            new Validation().id("device_id", request.getDeviceId(), "device id")
                    .id("module_id", request.getModuleId(), "module id").check();
            Responses.complete(calls.runHere(Repeatability.REPEATABLE, (clients, remaining) ->
                            clients.within(remaining).registry().getModule(request.getDeviceId(), request.getModuleId())),
                    module -> IdentityMapper.toProto(module, withKeys), observer);
        });
    }

    @Override
    public void updateModule(UpdateModuleRequest request, StreamObserver<io.hubgate.api.v1.Module> observer) {
        Responses.guard(observer, () -> {
            boolean withKeys = withKeys(request.getView(), "UpdateModule");
            ModuleUpdate update = ModuleUpdate.of(request);
            Responses.complete(calls.runHere(Repeatability.REPEATABLE, (clients, remaining) -> {
                var registry = clients.within(remaining).registry();
                Module current = registry.getModule(update.deviceId(), update.moduleId());
                update.checkEtag(current.getETag());
                update.applyTo(current);
                return registry.updateModule(current);
            }), module -> IdentityMapper.toProto(module, withKeys), observer);
        });
    }

    @Override
    public void deleteModule(DeleteModuleRequest request, StreamObserver<Empty> observer) {
        Responses.guard(observer, () -> {
            new Validation().id("device_id", request.getDeviceId(), "device id")
                    .id("module_id", request.getModuleId(), "module id").etag("etag", request.getEtag()).check();
            Responses.complete(calls.runHere(Repeatability.NOT_REPEATABLE, (clients, remaining) -> {
                var registry = clients.within(remaining).registry();
                if (request.getEtag().isEmpty()) {
                    registry.removeModule(request.getDeviceId(), request.getModuleId());
                } else {
                    registry.removeModule(new EtaggedModule(request.getDeviceId(), request.getModuleId(), request.getEtag()));
                }
                return null;
            }), ignored -> Empty.getDefaultInstance(), observer);
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
            Responses.complete(calls.runHere(Repeatability.REPEATABLE, (clients, remaining) ->
                            clients.within(remaining).registry().getModulesOnDevice(request.getDeviceId())),
                    modules -> ModulePages.page(modules, binding, request.getDeviceId(), offset, size), observer);
        });
    }

    @Override
    public void getRegistryStatistics(GetRegistryStatisticsRequest request,
                                      StreamObserver<io.hubgate.api.v1.RegistryStatistics> observer) {
        Responses.complete(calls.runHere(Repeatability.REPEATABLE, (clients, remaining) ->
                clients.within(remaining).registry().getStatistics()), RegistryServiceImpl::statistics, observer);
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
            List<CompletableFuture<DeviceResult>> results = new ArrayList<>();
            for (int i = 0; i < request.getRequestsCount(); i++) {
                CreateDeviceRequest item = request.getRequests(i);
                String field = "requests[" + i + "].device";
                boolean withKeys = withKeys(item.getView(), "BatchCreateDevices");
                results.add(itemResult(item.getDevice().getDeviceId(), () -> {
                    RequestChecks.newDevice(item.getDevice(), field).check();
                    return createDevice(item.getDevice(), false).thenApply(device -> IdentityMapper.toProto(device, withKeys));
                }));
            }
            Responses.complete(all(results), list -> BatchCreateDevicesResponse.newBuilder().addAllResults(list).build(), observer);
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
                        updateDevice(DeviceUpdate.of(item, prefix), false).thenApply(device -> IdentityMapper.toProto(device, withKeys))));
            }
            Responses.complete(all(results), list -> BatchUpdateDevicesResponse.newBuilder().addAllResults(list).build(), observer);
        });
    }

    @Override
    public void batchDeleteDevices(BatchDeleteDevicesRequest request, StreamObserver<BatchDeleteDevicesResponse> observer) {
        Responses.guard(observer, () -> {
            List<String> ids = request.getRequestsList().stream().map(DeleteDeviceRequest::getDeviceId).toList();
            checkBatchIds(ids, "requests[%d].device_id");
            List<CompletableFuture<DeviceResult>> results = new ArrayList<>();
            for (int i = 0; i < request.getRequestsCount(); i++) {
                DeleteDeviceRequest item = request.getRequests(i);
                String field = "requests[" + i + "].etag";
                results.add(itemResult(item.getDeviceId(), () -> {
                    new Validation().etag(field, item.getEtag()).check();
                    return deleteDevice(item, false).thenApply(ignored -> null);
                }));
            }
            Responses.complete(all(results), list -> BatchDeleteDevicesResponse.newBuilder().addAllResults(list).build(), observer);
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

    /** A device whose etag is the caller's, so the SDK's conditional delete sends it as If-Match. */
    private static final class EtaggedDevice extends Device {
        private final String etag;

        EtaggedDevice(String deviceId, String etag) {
            super(deviceId);
            this.etag = etag;
        }

        @Override
        public String getETag() {
            return etag;
        }
    }

    /** A module whose etag is the caller's, for the SDK's conditional delete. */
    private static final class EtaggedModule extends Module {
        private final String etag;

        EtaggedModule(String deviceId, String moduleId, String etag) {
            super(deviceId, moduleId);
            this.etag = etag;
        }

        @Override
        public String getETag() {
            return etag;
        }
    }
}
