package io.hubgate.server;

import com.google.protobuf.FieldMask;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.Durations;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.hubgate.api.v1.BatchCreateDevicesRequest;
import io.hubgate.api.v1.BatchCreateDevicesResponse;
import io.hubgate.api.v1.CreateDeviceRequest;
import io.hubgate.api.v1.CreateModuleRequest;
import io.hubgate.api.v1.DeleteDeviceRequest;
import io.hubgate.api.v1.DeleteModuleRequest;
import io.hubgate.api.v1.Device;
import io.hubgate.api.v1.DeviceResult;
import io.hubgate.api.v1.GetDeviceRequest;
import io.hubgate.api.v1.GetModuleRequest;
import io.hubgate.api.v1.GetTwinRequest;
import io.hubgate.api.v1.IdentityView;
import io.hubgate.api.v1.InvokeMethodRequest;
import io.hubgate.api.v1.ListModulesRequest;
import io.hubgate.api.v1.Module;
import io.hubgate.api.v1.ReplaceTwinRequest;
import io.hubgate.api.v1.SymmetricKeys;
import io.hubgate.api.v1.Twin;
import io.hubgate.api.v1.UpdateDeviceRequest;
import io.hubgate.api.v1.UpdateModuleRequest;
import io.hubgate.api.v1.UpdateTwinRequest;
import io.hubgate.emulator.devices.MethodBehaviour;
import io.hubgate.emulator.devices.SimulatedDevices.Target;
import io.hubgate.emulator.faults.FaultKind;
import io.hubgate.emulator.faults.FaultSpec;
import io.hubgate.emulator.http.HubErrorCode;
import io.hubgate.emulator.http.Operation;
import io.hubgate.emulator.http.OperationClass;
import io.hubgate.server.hub.HubErrorMapper;
import io.hubgate.server.support.Statuses;
import io.hubgate.server.support.TestGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static io.hubgate.server.support.Statuses.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The upstream is exact: every RPC acts once, on exactly the identity it names, conditional
 * writes are really conditional, and a lost answer never turns into a second execution or a
 * wrong answer. Each behaviour through the real gateway on its emulator; faults and request
 * counts from the emulator.
 */
class ExactUpstreamTest {

    @RegisterExtension
    static final TestGateway gateway = TestGateway.perClass();

    @AfterEach
    void clearFaults() {
        gateway.hub().faults().clearFaults();
    }

    private static String unique() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    private static Device createDevice(String id) {
        return gateway.registry().createDevice(CreateDeviceRequest.newBuilder().setDevice(Device.newBuilder().setDeviceId(id)).build());
    }

    private static Struct struct(String key, double value) {
        return Struct.newBuilder().putFields(key, Value.newBuilder().setNumberValue(value).build()).build();
    }

    // ---- ids: every RPC acts on exactly the identity it names ----

    /** Ids IoT Hub allows that the SDK would misroute or that test the encoding; each gets a random tail. */
    @ParameterizedTest
    @ValueSource(strings = {"%72x", "x?y", "x?api-version=1", "a#b", "a+b", "a;b", "a%2Fb", "q'", "d$", "p(1)!*,=@:"})
    void anAllowedId_roundTripsThroughEveryRpcThatTakesAnId_andNoOtherIdentityIsTouched(String shape) throws Exception {
        String tail = unique();
        String id = shape + tail;
        // The identities a misrouted call would reach: the id cut at '?' or '#', decoded once more, or split at '/'.
        List<String> canaries = new ArrayList<>(List.of(shape.replace("%72", "r") + tail, "x" + tail, "a" + tail, "r" + tail));
        canaries.add(id.split("[?#]")[0]);
        canaries.removeIf(canary -> canary.equals(id));
        canaries.forEach(ExactUpstreamTest::createOrIgnore);
        String canaryModuleId = "m" + tail;

        assertThat(createDevice(id).getDeviceId()).isEqualTo(id);
        assertThat(gateway.registry().getDevice(GetDeviceRequest.newBuilder().setDeviceId(id).build()).getDeviceId()).isEqualTo(id);
        Device updated = gateway.registry().updateDevice(UpdateDeviceRequest.newBuilder()
                .setDevice(Device.newBuilder().setDeviceId(id).setIotEdge(true))
                .setUpdateMask(FieldMask.newBuilder().addPaths("iot_edge")).build());
        assertThat(updated.getIotEdge()).isTrue();

        Twin patched = gateway.twins().updateTwin(UpdateTwinRequest.newBuilder().setDeviceId(id).setDesired(struct("n", 1)).build());
        assertThat(patched.getDeviceId()).isEqualTo(id);
        Twin replaced = gateway.twins().replaceTwin(ReplaceTwinRequest.newBuilder().setDeviceId(id).setEtag(patched.getEtag())
                .setTags(struct("t", 2)).build());
        assertThat(replaced.getTags()).isEqualTo(struct("t", 2));
        assertThat(gateway.twins().getTwin(GetTwinRequest.newBuilder().setDeviceId(id).build()).getTags()).isEqualTo(struct("t", 2));

        String moduleId = "mod" + shape;
        Module module = gateway.registry().createModule(CreateModuleRequest.newBuilder()
                .setModule(Module.newBuilder().setDeviceId(id).setModuleId(moduleId)).build());
        assertThat(module.getModuleId()).isEqualTo(moduleId);
        assertThat(gateway.registry().getModule(GetModuleRequest.newBuilder().setDeviceId(id).setModuleId(moduleId).build())
                .getModuleId()).isEqualTo(moduleId);
        assertThat(gateway.registry().listModules(ListModulesRequest.newBuilder().setDeviceId(id).build()).getModulesList())
                .extracting(Module::getModuleId).containsExactly(moduleId);
        assertThat(gateway.twins().updateTwin(UpdateTwinRequest.newBuilder().setDeviceId(id).setModuleId(moduleId)
                .setDesired(struct("m", 3)).build()).getModuleId()).isEqualTo(moduleId);

        gateway.hub().devices().setConnected(new Target(id, null), true);
        gateway.hub().devices().onMethod(new Target(id, null), "ping", new MethodBehaviour(200, null, java.time.Duration.ZERO, true, false));
        assertThat(gateway.methods().invokeMethod(InvokeMethodRequest.newBuilder().setDeviceId(id).setMethodName("ping").build())
                .getStatus()).isEqualTo(200);
        assertThat(gateway.hub().devices().receivedCalls(new Target(id, null))).hasSize(1);

        gateway.registry().deleteModule(DeleteModuleRequest.newBuilder().setDeviceId(id).setModuleId(moduleId).build());
        gateway.registry().deleteDevice(DeleteDeviceRequest.newBuilder().setDeviceId(id).build());
        assertThat(gateway.hub().store().get(id)).as("deleted").isNull();
        for (String canary : canaries) {
            var entry = gateway.hub().store().get(canary);
            assertThat(entry).as("the canary " + canary + " is untouched").isNotNull();
            assertThat(entry.twin().desired().values().has("n")).as(canary).isFalse();
            assertThat(entry.modules()).as(canary).isEmpty();
            assertThat(canary).isNotEqualTo(canaryModuleId);
        }
    }

    private static void createOrIgnore(String id) {
        try {
            createDevice(id);
        } catch (StatusRuntimeException invalidOrExisting) {
            // a canary that is itself not a valid id cannot be reached by a misrouted call either
        }
    }

    @Test
    void anIdOf128Characters_roundTrips() {
        String id = "l" + unique() + "x".repeat(119);
        assertThat(id).hasSize(128);
        createDevice(id);
        assertThat(gateway.twins().getTwin(GetTwinRequest.newBuilder().setDeviceId(id).build()).getDeviceId()).isEqualTo(id);
        gateway.registry().deleteDevice(DeleteDeviceRequest.newBuilder().setDeviceId(id).build());
        assertThat(gateway.hub().store().get(id)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a/b", "a\rb", "a\nb", "caf\u00e9", "a b", "a&b", ".", ".."})
    void anIdIoTHubDoesNotAllow_isInvalidArgumentNamingTheField_onEveryRpcThatTakesAnId(String id) {
        String tooLong = "y".repeat(129);
        for (String bad : List.of(id, tooLong)) {
            List<Supplier<Object>> calls = List.of(
                    () -> createDevice(bad),
                    () -> gateway.registry().getDevice(GetDeviceRequest.newBuilder().setDeviceId(bad).build()),
                    () -> gateway.registry().deleteDevice(DeleteDeviceRequest.newBuilder().setDeviceId(bad).build()),
                    () -> gateway.registry().listModules(ListModulesRequest.newBuilder().setDeviceId(bad).build()),
                    () -> gateway.registry().getModule(GetModuleRequest.newBuilder().setDeviceId("ok").setModuleId(bad).build()),
                    () -> gateway.twins().getTwin(GetTwinRequest.newBuilder().setDeviceId(bad).build()),
                    () -> gateway.twins().updateTwin(UpdateTwinRequest.newBuilder().setDeviceId(bad).setDesired(struct("a", 1)).build()),
                    () -> gateway.methods().invokeMethod(InvokeMethodRequest.newBuilder().setDeviceId(bad).setMethodName("m").build()));
            for (Supplier<Object> call : calls) {
                StatusRuntimeException failure = failureOf(call::get);
                assertThat(failure.getStatus().getCode()).as(bad).isEqualTo(Status.Code.INVALID_ARGUMENT);
                assertThat(Statuses.violatedFields(failure)).as(bad).hasSize(1);
            }
        }
    }

    // ---- conditional identity updates are really conditional ----

    private static SymmetricKeys counterKeys(long value) {
        String key = Base64.getEncoder().encodeToString(String.format("counter-%010d", value).getBytes(StandardCharsets.US_ASCII));
        return SymmetricKeys.newBuilder().setPrimaryKey(key).setSecondaryKey(key).build();
    }

    private static long counter(SymmetricKeys keys) {
        return Long.parseLong(new String(Base64.getDecoder().decode(keys.getPrimaryKey()), StandardCharsets.US_ASCII).substring(8));
    }

    /** Runs {@code writers} threads, each making {@code increments} read → write(etag) → retry-on-ABORTED increments. */
    private static void increments(int writers, int increments, Runnable increment) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < increments; i++) {
                        increment.run();
                    }
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void thirtyTwoConcurrentEtagWriters_onUpdateDevice_loseNoIncrement() throws Exception {
        String id = "cnt-" + unique();
        gateway.registry().createDevice(CreateDeviceRequest.newBuilder()
                .setDevice(Device.newBuilder().setDeviceId(id).setSymmetricKeys(counterKeys(0))).build());
        increments(32, 10, () -> {
            while (true) {
                Device current = gateway.registry().getDevice(GetDeviceRequest.newBuilder().setDeviceId(id)
                        .setView(IdentityView.IDENTITY_VIEW_WITH_KEYS).build());
                try {
                    gateway.registry().updateDevice(UpdateDeviceRequest.newBuilder()
                            .setDevice(Device.newBuilder().setDeviceId(id).setEtag(current.getEtag())
                                    .setSymmetricKeys(counterKeys(counter(current.getSymmetricKeys()) + 1)))
                            .setUpdateMask(FieldMask.newBuilder().addPaths("symmetric_keys")).build());
                    return;
                } catch (StatusRuntimeException stale) {
                    assertThat(stale.getStatus().getCode()).isEqualTo(Status.Code.ABORTED);
                }
            }
        });
        Device last = gateway.registry().getDevice(GetDeviceRequest.newBuilder().setDeviceId(id)
                .setView(IdentityView.IDENTITY_VIEW_WITH_KEYS).build());
        assertThat(counter(last.getSymmetricKeys())).isEqualTo(320);
    }

    @Test
    void thirtyTwoConcurrentEtagWriters_onUpdateModule_loseNoIncrement() throws Exception {
        String id = "cntm-" + unique();
        createDevice(id);
        gateway.registry().createModule(CreateModuleRequest.newBuilder()
                .setModule(Module.newBuilder().setDeviceId(id).setModuleId("m").setSymmetricKeys(counterKeys(0))).build());
        GetModuleRequest read = GetModuleRequest.newBuilder().setDeviceId(id).setModuleId("m").setView(IdentityView.IDENTITY_VIEW_WITH_KEYS).build();
        increments(32, 10, () -> {
            while (true) {
                Module current = gateway.registry().getModule(read);
                try {
                    gateway.registry().updateModule(UpdateModuleRequest.newBuilder()
                            .setModule(Module.newBuilder().setDeviceId(id).setModuleId("m").setEtag(current.getEtag())
                                    .setSymmetricKeys(counterKeys(counter(current.getSymmetricKeys()) + 1)))
                            .setUpdateMask(FieldMask.newBuilder().addPaths("symmetric_keys")).build());
                    return;
                } catch (StatusRuntimeException stale) {
                    assertThat(stale.getStatus().getCode()).isEqualTo(Status.Code.ABORTED);
                }
            }
        });
        assertThat(counter(gateway.registry().getModule(read).getSymmetricKeys())).isEqualTo(320);
    }

    // ---- a lost answer is never a second execution or a wrong answer ----

    private static void dropAfter(OperationClass operationClass) {
        gateway.hub().faults().add(new FaultSpec(operationClass, FaultKind.DROP_AFTER, 0, null, null, null, null, 1));
    }

    @Test
    void aCreateWhoseAnswerIsLost_answersTheCreatedDevice_notAlreadyExists() {
        String id = "lost-create-" + unique();
        dropAfter(OperationClass.REGISTRY);

        Device created = gateway.registry().createDevice(CreateDeviceRequest.newBuilder()
                .setDevice(Device.newBuilder().setDeviceId(id)).setView(IdentityView.IDENTITY_VIEW_WITH_KEYS).build());

        assertThat(created.getDeviceId()).isEqualTo(id);
        assertThat(created.getSymmetricKeys().getPrimaryKey())
                .isEqualTo(gateway.hub().store().get(id).identity().authentication().symmetricKey().primaryKey());
    }

    @Test
    void aCreateRepeatedWithTheSameKeys_answersTheDeviceItMade_butOtherKeysAreAlreadyExists() {
        String id = "again-" + unique();
        CreateDeviceRequest create = CreateDeviceRequest.newBuilder()
                .setDevice(Device.newBuilder().setDeviceId(id).setSymmetricKeys(counterKeys(42))).build();
        Device first = gateway.registry().createDevice(create);

        Device again = gateway.registry().createDevice(create);
        StatusRuntimeException other = failureOf(() -> gateway.registry().createDevice(CreateDeviceRequest.newBuilder()
                .setDevice(Device.newBuilder().setDeviceId(id).setSymmetricKeys(counterKeys(43))).build()));
        StatusRuntimeException generated = failureOf(() -> createDevice(id));

        assertThat(again.getEtag()).isEqualTo(first.getEtag());
        assertThat(other.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
        assertThat(generated.getStatus().getCode()).as("keys the gateway generates are new ones").isEqualTo(Status.Code.ALREADY_EXISTS);
    }

    @Test
    void aDeleteWhoseAnswerIsLost_answersOk_notNotFound() {
        String id = "lost-delete-" + unique();
        createDevice(id);
        dropAfter(OperationClass.REGISTRY);

        gateway.registry().deleteDevice(DeleteDeviceRequest.newBuilder().setDeviceId(id).build());

        assertThat(gateway.hub().store().get(id)).isNull();
    }

    @Test
    void aConditionalTwinWriteWhoseAnswerIsLost_isNeverAborted_butAnswersTheTwinItWrote_andWasAppliedOnce() {
        String id = "lost-twin-" + unique();
        createDevice(id);
        Twin before = gateway.twins().getTwin(GetTwinRequest.newBuilder().setDeviceId(id).build());
        dropAfter(OperationClass.TWIN_WRITE);

        Twin answered = gateway.twins().updateTwin(UpdateTwinRequest.newBuilder()
                .setDeviceId(id).setEtag(before.getEtag()).setDesired(struct("applied", 1)).build());

        assertThat(answered.getDesired().getProperties().getFieldsMap()).containsKey("applied");
        Twin after = gateway.twins().getTwin(GetTwinRequest.newBuilder().setDeviceId(id).build());
        assertThat(after.getDesired().getProperties().getFieldsMap()).containsKey("applied");
        assertThat(after.getVersion()).as("applied exactly once").isEqualTo(before.getVersion() + 1);
    }

    @Test
    void aConditionalTwinWriteWhoseAnswerIsLost_andWhoseTwinAnotherWriterChanged_isOutcomeUnknown() {
        String id = "lost-twin-other-" + unique();
        createDevice(id);
        Twin before = gateway.twins().getTwin(GetTwinRequest.newBuilder().setDeviceId(id).build());
        gateway.twins().updateTwin(UpdateTwinRequest.newBuilder().setDeviceId(id).setDesired(struct("other", 1)).build());
        dropAfter(OperationClass.TWIN_WRITE);

        StatusRuntimeException failure = failureOf(() -> gateway.twins().updateTwin(UpdateTwinRequest.newBuilder()
                .setDeviceId(id).setEtag(before.getEtag()).setDesired(struct("applied", 1)).build()));

        // The stale etag was refused by the hub (its answer lost); the twin does not carry the write.
        assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(Statuses.errorInfo(failure).getReason()).isEqualTo(HubErrorMapper.OUTCOME_UNKNOWN);
        assertThat(Statuses.errorInfo(failure).getDomain()).isEqualTo("hubgate.io");
    }

    @Test
    void anUnconditionalUpdateTwinWhoseAnswerIsLost_isNotSentAgain_andAnswersOutcomeUnknown() {
        String id = "lost-merge-" + unique();
        createDevice(id);
        Twin before = gateway.twins().getTwin(GetTwinRequest.newBuilder().setDeviceId(id).build());
        dropAfter(OperationClass.TWIN_WRITE);

        StatusRuntimeException failure = failureOf(() -> gateway.twins().updateTwin(UpdateTwinRequest.newBuilder()
                .setDeviceId(id).setDesired(struct("merged", 1)).build()));

        Twin after = gateway.twins().getTwin(GetTwinRequest.newBuilder().setDeviceId(id).build());
        assertThat(after.getVersion()).as("applied exactly once").isEqualTo(before.getVersion() + 1);
        assertThat(after.getDesired().getVersion()).isEqualTo(before.getDesired().getVersion() + 1);
        assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(Statuses.errorInfo(failure).getReason()).isEqualTo(HubErrorMapper.OUTCOME_UNKNOWN);
    }

    @Test
    void anUnconditionalReplaceTwinWhoseAnswerIsLost_isNotSentAgain_andAnswersOutcomeUnknown() {
        String id = "lost-replace-" + unique();
        createDevice(id);
        Twin before = gateway.twins().getTwin(GetTwinRequest.newBuilder().setDeviceId(id).build());
        dropAfter(OperationClass.TWIN_WRITE);

        StatusRuntimeException failure = failureOf(() -> gateway.twins().replaceTwin(ReplaceTwinRequest.newBuilder()
                .setDeviceId(id).setDesired(struct("replaced", 1)).build()));

        Twin after = gateway.twins().getTwin(GetTwinRequest.newBuilder().setDeviceId(id).build());
        assertThat(after.getVersion()).as("applied exactly once").isEqualTo(before.getVersion() + 1);
        assertThat(after.getDesired().getProperties()).isEqualTo(struct("replaced", 1));
        assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(Statuses.errorInfo(failure).getReason()).isEqualTo(HubErrorMapper.OUTCOME_UNKNOWN);
    }

    @Test
    void anUnconditionalUpdateTwin_throttledOnce_isStillRetried_andAppliedOnce() {
        String id = "throttled-merge-" + unique();
        createDevice(id);
        Twin before = gateway.twins().getTwin(GetTwinRequest.newBuilder().setDeviceId(id).build());
        gateway.hub().faults().add(new FaultSpec(OperationClass.TWIN_WRITE, FaultKind.THROTTLE, 0,
                HubErrorCode.THROTTLING_EXCEPTION, null, null, null, 1));

        Twin answered = gateway.twins().updateTwin(UpdateTwinRequest.newBuilder().setDeviceId(id).setDesired(struct("m", 1)).build());

        assertThat(answered.getVersion()).as("a 429 proves nothing was applied: retried, applied once").isEqualTo(before.getVersion() + 1);
    }

    @Test
    void aMethodWhoseAnswerIsLost_isDeliveredOnce_andAnswersOutcomeUnknown() {
        String id = "lost-method-" + unique();
        createDevice(id);
        Target device = new Target(id, null);
        gateway.hub().devices().setConnected(device, true);
        gateway.hub().devices().onMethod(device, "fire", new MethodBehaviour(200, null, java.time.Duration.ZERO, true, false));
        dropAfter(OperationClass.METHODS);

        StatusRuntimeException failure = failureOf(() -> gateway.methods().invokeMethod(InvokeMethodRequest.newBuilder()
                .setDeviceId(id).setMethodName("fire").build()));

        assertThat(gateway.hub().devices().receivedCalls(device)).as("delivered once").hasSize(1);
        assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(Statuses.errorInfo(failure).getReason()).isEqualTo(HubErrorMapper.OUTCOME_UNKNOWN);
    }

    // ---- Retry-After and bulk ----

    @Test
    void throttling_carriesTheHubsRetryAfterInRetryInfo() {
        String id = "throttled-" + unique();
        gateway.hub().faults().add(new FaultSpec(OperationClass.REGISTRY, FaultKind.THROTTLE, 0, HubErrorCode.THROTTLING_EXCEPTION,
                7, 1.0, null, null));

        StatusRuntimeException failure = failureOf(() -> gateway.registry().withDeadlineAfter(3, TimeUnit.SECONDS)
                .createDevice(CreateDeviceRequest.newBuilder().setDevice(Device.newBuilder().setDeviceId(id)).build()));

        assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(Durations.toSeconds(Statuses.retryInfo(failure).getRetryDelay())).isEqualTo(7);
    }

    @Test
    void aBatchOf250_isServedBy3BulkRequests() {
        String prefix = "bulk" + unique() + "-";
        BatchCreateDevicesRequest.Builder request = BatchCreateDevicesRequest.newBuilder();
        for (int i = 0; i < 250; i++) {
            request.addRequests(CreateDeviceRequest.newBuilder().setDevice(Device.newBuilder().setDeviceId(prefix + i)));
        }
        long bulkBefore = gateway.hub().requestCounts().count(Operation.BULK_DEVICES);
        long singleBefore = gateway.hub().requestCounts().count(Operation.CREATE_OR_UPDATE_DEVICE);

        BatchCreateDevicesResponse response = gateway.registry().batchCreateDevices(request.build());

        assertThat(response.getResultsList()).extracting(result -> result.getStatus().getCode()).containsOnly(0);
        assertThat(response.getResultsList()).extracting(DeviceResult::getDeviceId).doesNotHaveDuplicates().hasSize(250);
        assertThat(gateway.hub().requestCounts().count(Operation.BULK_DEVICES) - bulkBefore).isEqualTo(3);
        assertThat(gateway.hub().requestCounts().count(Operation.CREATE_OR_UPDATE_DEVICE)).isEqualTo(singleBefore);
        assertThat(gateway.hub().store().get(prefix + "249")).isNotNull();
    }
}
