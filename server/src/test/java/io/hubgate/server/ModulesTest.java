package io.hubgate.server;

import com.google.protobuf.FieldMask;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.hubgate.api.v1.AuthenticationType;
import io.hubgate.api.v1.CreateDeviceRequest;
import io.hubgate.api.v1.CreateModuleRequest;
import io.hubgate.api.v1.DeleteDeviceRequest;
import io.hubgate.api.v1.DeleteModuleRequest;
import io.hubgate.api.v1.Device;
import io.hubgate.api.v1.GetModuleRequest;
import io.hubgate.api.v1.IdentityView;
import io.hubgate.api.v1.ListModulesRequest;
import io.hubgate.api.v1.ListModulesResponse;
import io.hubgate.api.v1.Module;
import io.hubgate.api.v1.SymmetricKeys;
import io.hubgate.api.v1.UpdateModuleRequest;
import io.hubgate.api.v1.X509Thumbprints;
import io.hubgate.server.support.Statuses;
import io.hubgate.server.support.TestGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static io.hubgate.server.support.Statuses.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Module identities end to end over the real socket: create, read with and without keys, update
 * by mask, conditional delete, paging, and the hub's module errors (not found, already exists,
 * the 50-module limit) with their IoT Hub reasons.
 */
class ModulesTest {

    /** IoT Hub allows this many modules on one device. */
    private static final int MODULE_LIMIT = 50;
    private static final String THUMBPRINT = "A1B2C3D4E5F60718293A4B5C6D7E8F9001122334";

    @RegisterExtension
    static final TestGateway gateway = TestGateway.perClass();

    private static String newDevice(String prefix) {
        String id = TestGateway.uniqueId(prefix);
        gateway.registry().createDevice(CreateDeviceRequest.newBuilder().setDevice(Device.newBuilder().setDeviceId(id)).build());
        return id;
    }

    private static Module createModule(String deviceId, String moduleId) {
        return gateway.registry().createModule(CreateModuleRequest.newBuilder()
                .setModule(Module.newBuilder().setDeviceId(deviceId).setModuleId(moduleId)).build());
    }

    private static Module getModule(String deviceId, String moduleId, IdentityView view) {
        return gateway.registry().getModule(GetModuleRequest.newBuilder().setDeviceId(deviceId).setModuleId(moduleId)
                .setView(view).build());
    }

    private static String key(int seed) {
        byte[] raw = new byte[32];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = (byte) (i * 13 + seed);
        }
        return Base64.getEncoder().encodeToString(raw);
    }

    @Test
    void createThenGet_returnsTheModule_withKeysOnlyWhenAsked() {
        String deviceId = newDevice("mod");

        Module created = createModule(deviceId, "sensor");
        Module basic = getModule(deviceId, "sensor", IdentityView.IDENTITY_VIEW_BASIC);
        Module withKeys = getModule(deviceId, "sensor", IdentityView.IDENTITY_VIEW_WITH_KEYS);

        assertThat(created.getDeviceId()).isEqualTo(deviceId);
        assertThat(created.getModuleId()).isEqualTo("sensor");
        assertThat(created.getEtag()).isNotEmpty();
        assertThat(created.getGenerationId()).isNotEmpty();
        assertThat(created.getAuthenticationType()).isEqualTo(AuthenticationType.AUTHENTICATION_TYPE_SAS);
        assertThat(created.hasSymmetricKeys()).isFalse();
        assertThat(basic.hasSymmetricKeys()).isFalse();
        assertThat(basic.getEtag()).isEqualTo(created.getEtag());
        assertThat(withKeys.getSymmetricKeys().getPrimaryKey()).isNotEmpty();
        assertThat(withKeys.getSymmetricKeys().getSecondaryKey()).isNotEmpty();
        assertThat(gateway.hub().store().get(deviceId).modules()).containsKey("sensor");
    }

    @Test
    void createSelfSigned_keepsTheThumbprint() {
        String deviceId = newDevice("modx");

        gateway.registry().createModule(CreateModuleRequest.newBuilder().setModule(Module.newBuilder()
                .setDeviceId(deviceId).setModuleId("camera")
                .setAuthenticationType(AuthenticationType.AUTHENTICATION_TYPE_SELF_SIGNED)
                .setX509Thumbprints(X509Thumbprints.newBuilder().setPrimaryThumbprint(THUMBPRINT))).build());

        Module read = getModule(deviceId, "camera", IdentityView.IDENTITY_VIEW_UNSPECIFIED);
        assertThat(read.getAuthenticationType()).isEqualTo(AuthenticationType.AUTHENTICATION_TYPE_SELF_SIGNED);
        assertThat(read.getX509Thumbprints().getPrimaryThumbprint()).isEqualToIgnoringCase(THUMBPRINT);
    }

    @Test
    void createOnMissingDevice_isNotFound_andInvalidIdsNameTheirFields() {
        StatusRuntimeException missingDevice = failureOf(() -> createModule(TestGateway.uniqueId("nodev"), "m1"));
        StatusRuntimeException badIds = failureOf(() -> createModule("", "bad module"));

        assertThat(missingDevice.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(Statuses.errorInfo(missingDevice).getReason()).isEqualTo("DeviceNotFound");
        assertThat(badIds.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(Statuses.violatedFields(badIds)).containsExactlyInAnyOrder("module.device_id", "module.module_id");
    }

    @Test
    void createTwice_isAlreadyExists_withModuleAlreadyExistsOnDevice() {
        String deviceId = newDevice("modtwice");
        createModule(deviceId, "dup");

        StatusRuntimeException failure = failureOf(() -> createModule(deviceId, "dup"));

        assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
        assertThat(Statuses.errorInfo(failure).getReason()).isEqualTo("ModuleAlreadyExistsOnDevice");
        assertThat(Statuses.errorInfo(failure).getMetadataMap()).containsEntry("iotHubErrorCode", "409301");
    }

    @Test
    void getMissingModule_isNotFound_withModuleNotFound() {
        String deviceId = newDevice("modnone");

        StatusRuntimeException failure = failureOf(() -> getModule(deviceId, "absent", IdentityView.IDENTITY_VIEW_BASIC));

        assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(Statuses.errorInfo(failure).getReason()).isEqualTo("ModuleNotFound");
        assertThat(Statuses.errorInfo(failure).getMetadataMap()).containsEntry("iotHubErrorCode", "404010");
    }

    @Test
    void theFiftyFirstModule_isResourceExhausted_withTooManyModulesOnDevice() {
        String deviceId = newDevice("modfull");
        for (int i = 0; i < MODULE_LIMIT; i++) {
            createModule(deviceId, String.format("m%02d", i));
        }

        StatusRuntimeException failure = failureOf(() -> createModule(deviceId, "one-too-many"));

        assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(Statuses.errorInfo(failure).getReason()).isEqualTo("TooManyModulesOnDevice");
        assertThat(Statuses.retryInfo(failure)).as("retrying cannot help").isNull();
        assertThat(gateway.hub().store().get(deviceId).modules()).hasSize(MODULE_LIMIT).doesNotContainKey("one-too-many");
    }

    @Test
    void update_keysByMask_thenStaleEtagIsAborted() {
        String deviceId = newDevice("modupd");
        Module created = createModule(deviceId, "m");
        SymmetricKeys keys = SymmetricKeys.newBuilder().setPrimaryKey(key(1)).setSecondaryKey(key(2)).build();

        Module updated = gateway.registry().updateModule(UpdateModuleRequest.newBuilder()
                .setModule(Module.newBuilder().setDeviceId(deviceId).setModuleId("m").setEtag(created.getEtag())
                        .setSymmetricKeys(keys))
                .setUpdateMask(FieldMask.newBuilder().addPaths("symmetric_keys"))
                .setView(IdentityView.IDENTITY_VIEW_WITH_KEYS).build());
        StatusRuntimeException stale = failureOf(() -> gateway.registry().updateModule(UpdateModuleRequest.newBuilder()
                .setModule(Module.newBuilder().setDeviceId(deviceId).setModuleId("m").setEtag(created.getEtag())
                        .setSymmetricKeys(keys))
                .setUpdateMask(FieldMask.newBuilder().addPaths("symmetric_keys")).build()));

        assertThat(updated.getSymmetricKeys()).isEqualTo(keys);
        assertThat(updated.getEtag()).isNotEqualTo(created.getEtag());
        assertThat(getModule(deviceId, "m", IdentityView.IDENTITY_VIEW_WITH_KEYS).getSymmetricKeys()).isEqualTo(keys);
        assertThat(stale.getStatus().getCode()).isEqualTo(Status.Code.ABORTED);
    }

    @Test
    void update_toSelfSignedWithStar_thenUnknownOrMissingMaskIsInvalid() {
        String deviceId = newDevice("modstar");
        createModule(deviceId, "m");

        Module selfSigned = gateway.registry().updateModule(UpdateModuleRequest.newBuilder()
                .setModule(Module.newBuilder().setDeviceId(deviceId).setModuleId("m")
                        .setAuthenticationType(AuthenticationType.AUTHENTICATION_TYPE_SELF_SIGNED)
                        .setX509Thumbprints(X509Thumbprints.newBuilder().setPrimaryThumbprint(THUMBPRINT)))
                .setUpdateMask(FieldMask.newBuilder().addPaths("*")).build());
        StatusRuntimeException unknown = failureOf(() -> gateway.registry().updateModule(UpdateModuleRequest.newBuilder()
                .setModule(Module.newBuilder().setDeviceId(deviceId).setModuleId("m"))
                .setUpdateMask(FieldMask.newBuilder().addPaths("managed_by")).build()));
        StatusRuntimeException missing = failureOf(() -> gateway.registry().updateModule(UpdateModuleRequest.newBuilder()
                .setModule(Module.newBuilder().setDeviceId(deviceId).setModuleId("m")).build()));

        assertThat(selfSigned.getAuthenticationType()).isEqualTo(AuthenticationType.AUTHENTICATION_TYPE_SELF_SIGNED);
        assertThat(selfSigned.getX509Thumbprints().getPrimaryThumbprint()).isEqualToIgnoringCase(THUMBPRINT);
        assertThat(unknown.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(Statuses.violatedFields(unknown)).containsExactly("update_mask");
        assertThat(Statuses.violatedFields(missing)).containsExactly("update_mask");
    }

    @Test
    void updateMissingModule_isNotFound() {
        String deviceId = newDevice("modupdnone");

        StatusRuntimeException failure = failureOf(() -> gateway.registry().updateModule(UpdateModuleRequest.newBuilder()
                .setModule(Module.newBuilder().setDeviceId(deviceId).setModuleId("ghost")
                        .setSymmetricKeys(SymmetricKeys.newBuilder().setPrimaryKey(key(3)).setSecondaryKey(key(4))))
                .setUpdateMask(FieldMask.newBuilder().addPaths("symmetric_keys")).build()));

        assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(Statuses.errorInfo(failure).getReason()).isEqualTo("ModuleNotFound");
    }

    @Test
    void delete_withStaleEtagIsAborted_withCurrentEtagDeletes_thenNotFound() {
        String deviceId = newDevice("moddel");
        Module created = createModule(deviceId, "m");
        createModule(deviceId, "keep");
        gateway.registry().updateModule(UpdateModuleRequest.newBuilder()
                .setModule(Module.newBuilder().setDeviceId(deviceId).setModuleId("m")
                        .setSymmetricKeys(SymmetricKeys.newBuilder().setPrimaryKey(key(5)).setSecondaryKey(key(6))))
                .setUpdateMask(FieldMask.newBuilder().addPaths("symmetric_keys")).build());

        StatusRuntimeException stale = failureOf(() -> gateway.registry().deleteModule(DeleteModuleRequest.newBuilder()
                .setDeviceId(deviceId).setModuleId("m").setEtag(created.getEtag()).build()));
        assertThat(stale.getStatus().getCode()).isEqualTo(Status.Code.ABORTED);
        assertThat(Statuses.errorInfo(stale).getReason()).isEqualTo("PreconditionFailed");

        String current = getModule(deviceId, "m", IdentityView.IDENTITY_VIEW_BASIC).getEtag();
        gateway.registry().deleteModule(DeleteModuleRequest.newBuilder().setDeviceId(deviceId).setModuleId("m")
                .setEtag(current).build());
        assertThat(gateway.hub().store().get(deviceId).modules()).containsOnlyKeys("keep");

        gateway.registry().deleteModule(DeleteModuleRequest.newBuilder().setDeviceId(deviceId).setModuleId("keep").build());
        assertThat(gateway.hub().store().get(deviceId).modules()).isEmpty();
        StatusRuntimeException again = failureOf(() -> gateway.registry().deleteModule(DeleteModuleRequest.newBuilder()
                .setDeviceId(deviceId).setModuleId("keep").build()));
        assertThat(again.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(Statuses.errorInfo(again).getReason()).isEqualTo("ModuleNotFound");
    }

    @Test
    void deletingTheDevice_removesItsModules() {
        String deviceId = newDevice("modcascade");
        createModule(deviceId, "a");

        gateway.registry().deleteDevice(DeleteDeviceRequest.newBuilder().setDeviceId(deviceId).build());

        StatusRuntimeException failure = failureOf(() -> getModule(deviceId, "a", IdentityView.IDENTITY_VIEW_BASIC));
        assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    }

    @Test
    void list_pagesOfTwoOverFiveModules_inModuleIdOrder_withoutKeys() {
        String deviceId = newDevice("modlist");
        List<String> ids = List.of("e", "c", "a", "d", "b");
        ids.forEach(id -> createModule(deviceId, id));

        List<String> seen = new ArrayList<>();
        List<Integer> pageSizes = new ArrayList<>();
        String token = "";
        do {
            ListModulesResponse page = gateway.registry().listModules(ListModulesRequest.newBuilder()
                    .setDeviceId(deviceId).setPageSize(2).setPageToken(token).build());
            page.getModulesList().forEach(module -> {
                assertThat(module.getDeviceId()).isEqualTo(deviceId);
                assertThat(module.hasSymmetricKeys()).isFalse();
                seen.add(module.getModuleId());
            });
            pageSizes.add(page.getModulesCount());
            token = page.getNextPageToken();
        } while (!token.isEmpty() && pageSizes.size() < 10);

        assertThat(seen).containsExactly("a", "b", "c", "d", "e");
        assertThat(pageSizes).containsExactly(2, 2, 1);
    }

    @Test
    void list_withAnotherDevicesTokenOrGarbage_isInvalidArgumentOnPageToken() {
        String first = newDevice("modtok");
        String second = newDevice("modtok");
        createModule(first, "a");
        createModule(first, "b");
        String token = gateway.registry().listModules(ListModulesRequest.newBuilder().setDeviceId(first).setPageSize(1)
                .build()).getNextPageToken();
        assertThat(token).isNotEmpty();

        StatusRuntimeException foreign = failureOf(() -> gateway.registry().listModules(ListModulesRequest.newBuilder()
                .setDeviceId(second).setPageToken(token).build()));
        StatusRuntimeException garbage = failureOf(() -> gateway.registry().listModules(ListModulesRequest.newBuilder()
                .setDeviceId(first).setPageToken("%%%not-a-token").build()));
        StatusRuntimeException tooLarge = failureOf(() -> gateway.registry().listModules(ListModulesRequest.newBuilder()
                .setDeviceId(first).setPageSize(1001).build()));

        assertThat(Statuses.violatedFields(foreign)).containsExactly("page_token");
        assertThat(garbage.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(Statuses.violatedFields(garbage)).containsExactly("page_token");
        assertThat(Statuses.violatedFields(tooLarge)).containsExactly("page_size");
    }

    @Test
    void list_ofAMissingDevice_isNotFound() {
        StatusRuntimeException failure = failureOf(() -> gateway.registry().listModules(ListModulesRequest.newBuilder()
                .setDeviceId(TestGateway.uniqueId("nolist")).build()));

        assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(Statuses.errorInfo(failure).getReason()).isEqualTo("DeviceNotFound");
    }
}
