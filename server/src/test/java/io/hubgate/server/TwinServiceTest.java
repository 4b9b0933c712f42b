package io.hubgate.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ListValue;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.hubgate.api.v1.CreateDeviceRequest;
import io.hubgate.api.v1.CreateModuleRequest;
import io.hubgate.api.v1.Device;
import io.hubgate.api.v1.GetTwinRequest;
import io.hubgate.api.v1.Module;
import io.hubgate.api.v1.ReplaceTwinRequest;
import io.hubgate.api.v1.Twin;
import io.hubgate.api.v1.UpdateTwinRequest;
import io.hubgate.emulator.devices.SimulatedDevices.Target;
import io.hubgate.emulator.json.Json;
import io.hubgate.server.support.Statuses;
import io.hubgate.server.support.TestGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Device and module twins end to end: gRPC stub → gateway → official SDK → emulator. */
class TwinServiceTest {

    @RegisterExtension
    static final TestGateway gateway = TestGateway.perClass();

    private static String newDevice(String prefix) {
        String id = TestGateway.uniqueId(prefix);
        gateway.registry().createDevice(CreateDeviceRequest.newBuilder()
                .setDevice(Device.newBuilder().setDeviceId(id)).build());
        return id;
    }

    private static void newModule(String deviceId, String moduleId) {
        gateway.registry().createModule(CreateModuleRequest.newBuilder()
                .setModule(Module.newBuilder().setDeviceId(deviceId).setModuleId(moduleId)).build());
    }

    private static Twin get(String deviceId) {
        return gateway.twins().getTwin(GetTwinRequest.newBuilder().setDeviceId(deviceId).build());
    }

    private static Twin update(String deviceId, Struct tags, Struct desired) {
        UpdateTwinRequest.Builder request = UpdateTwinRequest.newBuilder().setDeviceId(deviceId);
        if (tags != null) {
            request.setTags(tags);
        }
        if (desired != null) {
            request.setDesired(desired);
        }
        return gateway.twins().updateTwin(request.build());
    }

    private static Value number(double n) {
        return Value.newBuilder().setNumberValue(n).build();
    }

    private static Value text(String s) {
        return Value.newBuilder().setStringValue(s).build();
    }

    private static Value object(Struct struct) {
        return Value.newBuilder().setStructValue(struct).build();
    }

    private static final Value NULL = Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build();

    private static Struct struct(Object... keysAndValues) {
        Struct.Builder struct = Struct.newBuilder();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            struct.putFields((String) keysAndValues[i], (Value) keysAndValues[i + 1]);
        }
        return struct.build();
    }

    /** {"l1": {"l2": … {"l<levels>": {"leaf": 1}}}}: {@code levels} objects nested below the section. */
    private static Struct nested(int levels) {
        Struct inner = struct("leaf", number(1));
        for (int level = levels; level >= 1; level--) {
            inner = struct("l" + level, object(inner));
        }
        return inner;
    }

    private static JsonNode storedDesired(String deviceId) {
        return gateway.hub().store().get(deviceId).twin().desired().values();
    }

    private static void assertInvalid(Executable call, String... fields) {
        assertThatThrownBy(call::execute).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(Statuses.violatedFields(e)).containsExactlyInAnyOrder(fields);
        });
    }

    @Test
    void getTwin_ofANewDevice_hasItsIdEtagAndEmptySections() {
        String id = newDevice("twin-get");

        Twin twin = get(id);

        assertThat(twin.getDeviceId()).isEqualTo(id);
        assertThat(twin.getModuleId()).isEmpty();
        assertThat(twin.getEtag()).isNotEmpty();
        assertThat(twin.getTags().getFieldsCount()).isZero();
        assertThat(twin.getDesired().getProperties().getFieldsCount()).isZero();
        assertThat(twin.getReported().getProperties().getFieldsCount()).isZero();
    }

    @Test
    void getTwin_ofAModule_isTheModuleTwin() {
        String id = newDevice("twin-mod");
        newModule(id, "sensor");

        Twin twin = gateway.twins().getTwin(GetTwinRequest.newBuilder().setDeviceId(id).setModuleId("sensor").build());

        assertThat(twin.getDeviceId()).isEqualTo(id);
        assertThat(twin.getModuleId()).isEqualTo("sensor");
        assertThat(twin.getEtag()).isNotEmpty();
    }

    @Test
    void getTwin_ofAMissingDevice_isNotFound_DeviceNotFound() {
        assertThatThrownBy(() -> get(TestGateway.uniqueId("none")))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
                    assertThat(Statuses.errorInfo(e).getReason()).isEqualTo("DeviceNotFound");
                });
    }

    @Test
    void getTwin_ofAMissingModule_isNotFound_ModuleNotFound() {
        String id = newDevice("twin-nomod");

        assertThatThrownBy(() -> gateway.twins().getTwin(GetTwinRequest.newBuilder().setDeviceId(id).setModuleId("ghost").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
                    assertThat(Statuses.errorInfo(e).getReason()).isEqualTo("ModuleNotFound");
                });
    }

    @Test
    void updateTwin_mergesNestedObjects_andANullDeletes() {
        String id = newDevice("twin-merge");
        update(id, struct("site", text("ams"), "floor", number(3)),
                struct("telemetry", object(struct("interval", number(30), "unit", text("s"))), "mode", text("eco")));

        Twin merged = update(id, struct("floor", NULL),
                struct("telemetry", object(struct("interval", number(60))), "mode", NULL, "fan", Value.newBuilder().setBoolValue(true).build()));

        assertThat(merged.getTags().getFieldsMap()).containsOnlyKeys("site");
        Struct desired = merged.getDesired().getProperties();
        assertThat(desired.getFieldsMap()).containsOnlyKeys("telemetry", "fan");
        assertThat(desired.getFieldsOrThrow("telemetry").getStructValue())
                .isEqualTo(struct("interval", number(60), "unit", text("s")));
        assertThat(desired.getFieldsOrThrow("fan").getBoolValue()).isTrue();
        assertThat(get(id).getDesired().getProperties()).isEqualTo(desired);
    }

    @Test
    void updateTwin_keepsWholeNumbersWhole_inTheStoredTwin() {
        String id = newDevice("twin-num");

        update(id, null, struct("interval", number(30), "ratio", number(0.5),
                "list", Value.newBuilder().setListValue(ListValue.newBuilder().addValues(number(7))).build()));

        JsonNode stored = storedDesired(id);
        assertThat(stored.get("interval").isIntegralNumber()).isTrue();
        assertThat(stored.get("interval").toString()).isEqualTo("30");
        assertThat(stored.get("ratio").toString()).isEqualTo("0.5");
        assertThat(stored.get("list").get(0).toString()).isEqualTo("7");
        assertThat(get(id).getDesired().getProperties().getFieldsOrThrow("interval").getNumberValue()).isEqualTo(30.0);
    }

    @Test
    void updateTwin_raisesVersions_andStampsMetadata() {
        String id = newDevice("twin-ver");
        Twin before = get(id);

        Twin after = update(id, struct("site", text("ams")), struct("mode", text("eco")));

        assertThat(after.getVersion()).isGreaterThan(before.getVersion());
        assertThat(after.getDesired().getVersion()).isEqualTo(before.getDesired().getVersion() + 1);
        assertThat(after.getEtag()).isNotEqualTo(before.getEtag());
        assertThat(after.getTags().getFieldsOrThrow("site").getStringValue()).isEqualTo("ams");
        Struct metadata = after.getDesired().getMetadata();
        assertThat(metadata.getFieldsMap()).containsKey("$lastUpdated");
        assertThat(metadata.getFieldsOrThrow("mode").getStructValue().getFieldsMap()).containsKey("$lastUpdated");
    }

    @Test
    void updateTwin_withTheCurrentEtag_succeeds_andWithAStaleOne_isAborted() {
        String id = newDevice("twin-etag");
        String first = get(id).getEtag();

        Twin updated = gateway.twins().updateTwin(UpdateTwinRequest.newBuilder().setDeviceId(id).setEtag(first)
                .setDesired(struct("mode", text("eco"))).build());

        assertThat(updated.getEtag()).isNotEqualTo(first);
        assertThatThrownBy(() -> gateway.twins().updateTwin(UpdateTwinRequest.newBuilder().setDeviceId(id).setEtag(first)
                .setDesired(struct("mode", text("boost"))).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isEqualTo(Status.Code.ABORTED);
                    assertThat(Statuses.errorInfo(e).getReason()).isEqualTo("PreconditionFailed");
                });
        assertThat(get(id).getDesired().getProperties().getFieldsOrThrow("mode").getStringValue()).isEqualTo("eco");
    }

    @Test
    void updateTwin_ofAModule_changesOnlyTheModuleTwin() {
        String id = newDevice("twin-modupd");
        newModule(id, "sensor");

        Twin module = gateway.twins().updateTwin(UpdateTwinRequest.newBuilder().setDeviceId(id).setModuleId("sensor")
                .setDesired(struct("rate", number(5))).build());

        assertThat(module.getModuleId()).isEqualTo("sensor");
        assertThat(module.getDesired().getProperties().getFieldsOrThrow("rate").getNumberValue()).isEqualTo(5.0);
        assertThat(get(id).getDesired().getProperties().getFieldsCount()).isZero();
    }

    @Test
    void updateTwin_withNothingToUpdate_isInvalidArgument() {
        String id = newDevice("twin-empty");

        assertInvalid(() -> update(id, null, null), "tags");
        assertInvalid(() -> update(id, Struct.getDefaultInstance(), Struct.getDefaultInstance()), "tags");
    }

    @Test
    void updateTwin_withBadKeys_namesEachPropertyPath() {
        String id = newDevice("twin-keys");

        assertInvalid(() -> update(id, struct("has space", text("x")),
                        struct("a.b", number(1), "$x", number(2), "ok", object(struct("in.ner", number(3))))),
                "tags.has space", "desired.a.b", "desired.$x", "desired.ok.in.ner");
        assertThat(storedDesired(id).size()).isZero();
    }

    @Test
    void updateTwin_nestedElevenDeep_isInvalidArgument_butTenDeepIsAccepted() {
        String id = newDevice("twin-depth");

        Twin accepted = update(id, null, nested(10));

        assertThat(accepted.getDesired().getProperties().getFieldsMap()).containsKey("l1");
        assertInvalid(() -> update(id, null, struct("deep", object(nested(10)))),
                "desired.deep.l1.l2.l3.l4.l5.l6.l7.l8.l9.l10");
    }

    @Test
    void updateTwin_desiredOver32KB_isRefusedByTheGatewayBeforeIoTHub_namingDesired() {
        String id = newDevice("twin-big");
        Struct.Builder big = Struct.newBuilder();
        String chunk = "x".repeat(4000);
        for (int i = 0; i < 9; i++) {
            big.putFields("p" + i, text(chunk)); // 9 × ~4 KB: each string is legal, the sum is not
        }

        assertThatThrownBy(() -> update(id, null, big.build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    // The gateway measures the section as IoT Hub does, before any conversion (a
                    // many-key twin would otherwise cost the SDK's quadratic map check first).
                    assertThat(Statuses.errorInfo(e).getReason()).isEqualTo("INVALID_REQUEST");
                    assertThat(e.getStatus().getDescription()).contains("desired");
                });
        assertThat(storedDesired(id).size()).isZero();
    }

    @Test
    void replaceTwin_replacesTagsAndDesiredWhole() {
        String id = newDevice("twin-repl");
        update(id, struct("site", text("ams"), "floor", number(3)), struct("mode", text("eco"), "fan", number(1)));

        Twin replaced = gateway.twins().replaceTwin(ReplaceTwinRequest.newBuilder().setDeviceId(id)
                .setTags(struct("owner", text("ops"))).setDesired(struct("mode", text("boost"))).build());

        assertThat(replaced.getTags()).isEqualTo(struct("owner", text("ops")));
        assertThat(replaced.getDesired().getProperties()).isEqualTo(struct("mode", text("boost")));
        assertThat(get(id).getTags()).isEqualTo(struct("owner", text("ops")));
    }

    @Test
    void replaceTwin_withoutDesired_leavesNoDesiredProperties() {
        String id = newDevice("twin-replnone");
        update(id, struct("site", text("ams")), struct("mode", text("eco")));

        Twin replaced = gateway.twins().replaceTwin(ReplaceTwinRequest.newBuilder().setDeviceId(id)
                .setTags(struct("owner", text("ops"))).build());

        assertThat(replaced.getTags()).isEqualTo(struct("owner", text("ops")));
        assertThat(replaced.getDesired().getProperties().getFieldsCount()).isZero();
        assertThat(storedDesired(id).size()).isZero();
    }

    @Test
    void updateTwin_withEmptyTagsAndSomeDesired_updatesTheDesired() {
        String id = newDevice("twin-emptytags");

        Twin updated = update(id, Struct.getDefaultInstance(), struct("mode", text("eco")));

        assertThat(updated.getDesired().getProperties()).isEqualTo(struct("mode", text("eco")));
    }

    @Test
    void replaceTwin_withAStaleEtag_isAborted_andChangesNothing() {
        String id = newDevice("twin-replstale");
        String stale = get(id).getEtag();
        update(id, struct("site", text("ams")), null);

        assertThatThrownBy(() -> gateway.twins().replaceTwin(ReplaceTwinRequest.newBuilder().setDeviceId(id).setEtag(stale)
                .setTags(struct("owner", text("ops"))).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isEqualTo(Status.Code.ABORTED);
                    assertThat(Statuses.errorInfo(e).getReason()).isEqualTo("PreconditionFailed");
                });
        assertThat(get(id).getTags()).isEqualTo(struct("site", text("ams")));
    }

    @Test
    void reportedProperties_setByTheDevice_areVisibleInGetTwin() {
        String id = newDevice("twin-rep");
        var reported = Json.object();
        reported.put("temperature", 21);
        reported.putObject("firmware").put("version", "1.2.3");

        gateway.hub().devices().report(new Target(id, null), reported);

        Twin twin = get(id);
        assertThat(twin.getReported().getProperties()).isEqualTo(struct("temperature", number(21),
                "firmware", object(struct("version", text("1.2.3")))));
        assertThat(twin.getReported().getVersion()).isGreaterThan(1);
        assertThat(twin.getReported().getMetadata().getFieldsMap()).containsKey("temperature");
    }
}
