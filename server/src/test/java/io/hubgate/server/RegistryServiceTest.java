package io.hubgate.server;

import com.google.protobuf.FieldMask;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.hubgate.api.v1.AuthenticationType;
import io.hubgate.api.v1.CreateDeviceRequest;
import io.hubgate.api.v1.DeleteDeviceRequest;
import io.hubgate.api.v1.Device;
import io.hubgate.api.v1.DeviceStatus;
import io.hubgate.api.v1.GetDeviceRequest;
import io.hubgate.api.v1.IdentityView;
import io.hubgate.api.v1.SymmetricKeys;
import io.hubgate.api.v1.UpdateDeviceRequest;
import io.hubgate.api.v1.X509Thumbprints;
import io.hubgate.server.support.Statuses;
import io.hubgate.server.support.TestGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static io.hubgate.server.support.Statuses.failureOf;

/**
 * Single-device calls end to end: gRPC stub → gateway → official SDK → emulator. Covers each way
 * to create a device, the views, every updatable field, conditional writes and the validation
 * errors with their exact field paths. Modules, listing, batches and the error mapping of hub
 * failures have their own classes.
 */
class RegistryServiceTest {

    @RegisterExtension
    static final TestGateway gateway = TestGateway.perClass();

    private static Device create(String id) {
        return gateway.registry().createDevice(CreateDeviceRequest.newBuilder()
                .setDevice(Device.newBuilder().setDeviceId(id)).build());
    }

    @Test
    void createThenGet_returnsTheDevice_withoutKeysUnlessAsked() {
        String id = TestGateway.uniqueId("dev");
        Device created = create(id);

        Device plain = gateway.registry().getDevice(GetDeviceRequest.newBuilder().setDeviceId(id).build());
        Device withKeys = gateway.registry().getDevice(GetDeviceRequest.newBuilder().setDeviceId(id)
                .setView(IdentityView.IDENTITY_VIEW_WITH_KEYS).build());

        assertThat(created.getDeviceId()).isEqualTo(id);
        assertThat(created.getEtag()).isNotEmpty();
        assertThat(created.hasSymmetricKeys()).isFalse();
        assertThat(plain.getEtag()).isEqualTo(created.getEtag());
        assertThat(plain.hasSymmetricKeys()).isFalse();
        assertThat(withKeys.getSymmetricKeys().getPrimaryKey()).isNotEmpty();
    }

    @Test
    void getMissing_isNotFound_withTheIotHubReason_andIotHubsSentenceAsTheMessage() {
        String id = TestGateway.uniqueId("none");
        assertThatThrownBy(() -> gateway.registry().getDevice(GetDeviceRequest.newBuilder()
                .setDeviceId(id).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
                    assertThat(e.getStatus().getDescription()).contains(id).doesNotContain("{").doesNotContain("trackingId");
                    assertThat(Statuses.errorInfo(e).getReason()).isEqualTo("DeviceNotFound");
                    assertThat(Statuses.errorInfo(e).getMetadataMap()).containsEntry("iotHubErrorCode", "404001");
                    // The readable message, not IoT Hub's JSON error body.
                    assertThat(e.getStatus().getDescription()).doesNotStartWith("{").contains("not registered");
                });
    }

    @Test
    void createTwice_isAlreadyExists() {
        String id = TestGateway.uniqueId("twice");
        create(id);

        assertThatThrownBy(() -> create(id)).isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS));
    }

    @Test
    void badId_isInvalidArgument_namingTheField_withoutCallingTheHub() {
        assertThatThrownBy(() -> create("bad&id")).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(Statuses.violatedFields(e)).containsExactly("device.device_id");
        });
    }

    @Test
    void update_disablesTheDevice_andStaleEtagIsAborted() {
        String id = TestGateway.uniqueId("upd");
        Device created = create(id);

        Device updated = gateway.registry().updateDevice(UpdateDeviceRequest.newBuilder()
                .setDevice(Device.newBuilder().setDeviceId(id).setEtag(created.getEtag()).setStatus(DeviceStatus.DEVICE_STATUS_DISABLED))
                .setUpdateMask(FieldMask.newBuilder().addPaths("status")).build());

        assertThat(updated.getStatus()).isEqualTo(DeviceStatus.DEVICE_STATUS_DISABLED);
        assertThatThrownBy(() -> gateway.registry().updateDevice(UpdateDeviceRequest.newBuilder()
                .setDevice(Device.newBuilder().setDeviceId(id).setEtag(created.getEtag()).setStatus(DeviceStatus.DEVICE_STATUS_ENABLED))
                .setUpdateMask(FieldMask.newBuilder().addPaths("status")).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ABORTED));
    }

    @Test
    void deleteWithStaleEtag_isAborted_andWithCurrentEtagDeletes() {
        String id = TestGateway.uniqueId("del");
        Device created = create(id);
        gateway.registry().updateDevice(UpdateDeviceRequest.newBuilder()
                .setDevice(Device.newBuilder().setDeviceId(id).setStatus(DeviceStatus.DEVICE_STATUS_DISABLED))
                .setUpdateMask(FieldMask.newBuilder().addPaths("status")).build());

        assertThatThrownBy(() -> gateway.registry().deleteDevice(DeleteDeviceRequest.newBuilder()
                .setDeviceId(id).setEtag(created.getEtag()).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ABORTED);
                    assertThat(Statuses.errorInfo(e).getReason()).isEqualTo("PreconditionFailed");
                });
        String current = gateway.registry().getDevice(GetDeviceRequest.newBuilder().setDeviceId(id).build()).getEtag();
        gateway.registry().deleteDevice(DeleteDeviceRequest.newBuilder().setDeviceId(id).setEtag(current).build());
        assertThat(gateway.hub().store().get(id)).isNull();
    }

    private static String key(int bytes, int seed) {
        byte[] raw = new byte[bytes];
        for (int i = 0; i < bytes; i++) {
            raw[i] = (byte) (i * 7 + seed);
        }
        return Base64.getEncoder().encodeToString(raw);
    }

    private static final String THUMBPRINT_A = "A1B2C3D4E5F60718293A4B5C6D7E8F9001122334";
    private static final String THUMBPRINT_B = "0011223344556677889900AABBCCDDEEFF001122";

    private static Device getWithKeys(String id) {
        return gateway.registry().getDevice(GetDeviceRequest.newBuilder().setDeviceId(id)
                .setView(IdentityView.IDENTITY_VIEW_WITH_KEYS).build());
    }

    private static Device update(Device device, String... paths) {
        return gateway.registry().updateDevice(UpdateDeviceRequest.newBuilder().setDevice(device)
                .setUpdateMask(FieldMask.newBuilder().addAllPaths(java.util.List.of(paths)))
                .setView(IdentityView.IDENTITY_VIEW_WITH_KEYS).build());
    }

    @Test
    void create_withoutKeys_hasSasKeysGeneratedByTheSdk_returnedOnlyWithKeysView() {
        String id = TestGateway.uniqueId("gen");
        Device created = gateway.registry().createDevice(CreateDeviceRequest.newBuilder()
                .setDevice(Device.newBuilder().setDeviceId(id)).setView(IdentityView.IDENTITY_VIEW_WITH_KEYS).build());

        assertThat(created.getAuthenticationType()).isEqualTo(AuthenticationType.AUTHENTICATION_TYPE_SAS);
        assertThat(created.getStatus()).isEqualTo(DeviceStatus.DEVICE_STATUS_ENABLED);
        assertThat(created.getGenerationId()).isNotEmpty();
        assertThat(Base64.getDecoder().decode(created.getSymmetricKeys().getPrimaryKey())).hasSizeBetween(16, 64);
        assertThat(Base64.getDecoder().decode(created.getSymmetricKeys().getSecondaryKey())).hasSizeBetween(16, 64);
        assertThat(created.getSymmetricKeys().getPrimaryKey()).isNotEqualTo(created.getSymmetricKeys().getSecondaryKey());
        assertThat(getWithKeys(id).getSymmetricKeys()).isEqualTo(created.getSymmetricKeys());
        Device basic = gateway.registry().getDevice(GetDeviceRequest.newBuilder().setDeviceId(id)
                .setView(IdentityView.IDENTITY_VIEW_BASIC).build());
        assertThat(basic.hasSymmetricKeys()).isFalse();
        assertThat(basic.getEtag()).isEqualTo(created.getEtag());
    }

    @Test
    void create_withGivenKeys_keepsExactlyThoseKeys() {
        String id = TestGateway.uniqueId("keys");
        SymmetricKeys keys = SymmetricKeys.newBuilder().setPrimaryKey(key(32, 1)).setSecondaryKey(key(32, 2)).build();

        Device created = gateway.registry().createDevice(CreateDeviceRequest.newBuilder()
                .setDevice(Device.newBuilder().setDeviceId(id).setAuthenticationType(AuthenticationType.AUTHENTICATION_TYPE_SAS)
                        .setSymmetricKeys(keys)).build());

        assertThat(created.hasSymmetricKeys()).isFalse();
        assertThat(getWithKeys(id).getSymmetricKeys()).isEqualTo(keys);
        assertThat(gateway.hub().store().get(id).identity().authentication().symmetricKey().primaryKey())
                .isEqualTo(keys.getPrimaryKey());
    }

    @Test
    void create_selfSigned_storesTheThumbprints_andNoKeys() {
        String id = TestGateway.uniqueId("x509");
        gateway.registry().createDevice(CreateDeviceRequest.newBuilder()
                .setDevice(Device.newBuilder().setDeviceId(id).setAuthenticationType(AuthenticationType.AUTHENTICATION_TYPE_SELF_SIGNED)
                        .setX509Thumbprints(X509Thumbprints.newBuilder().setPrimaryThumbprint(THUMBPRINT_A)
                                .setSecondaryThumbprint(THUMBPRINT_B))).build());

        Device read = getWithKeys(id);

        assertThat(read.getAuthenticationType()).isEqualTo(AuthenticationType.AUTHENTICATION_TYPE_SELF_SIGNED);
        assertThat(read.getX509Thumbprints().getPrimaryThumbprint()).isEqualToIgnoringCase(THUMBPRINT_A);
        assertThat(read.getX509Thumbprints().getSecondaryThumbprint()).isEqualToIgnoringCase(THUMBPRINT_B);
        assertThat(read.getSymmetricKeys().getPrimaryKey()).isEmpty();
    }

    @Test
    void create_iotEdgeAndDisabled_areKept() {
        String id = TestGateway.uniqueId("edge");
        Device created = gateway.registry().createDevice(CreateDeviceRequest.newBuilder()
                .setDevice(Device.newBuilder().setDeviceId(id).setIotEdge(true).setStatus(DeviceStatus.DEVICE_STATUS_DISABLED))
                .build());

        Device read = gateway.registry().getDevice(GetDeviceRequest.newBuilder().setDeviceId(id).build());

        assertThat(created.getIotEdge()).isTrue();
        assertThat(read.getIotEdge()).isTrue();
        assertThat(read.getStatus()).isEqualTo(DeviceStatus.DEVICE_STATUS_DISABLED);
    }

    @Test
    void create_withInvalidCredentials_namesEachFieldExactly_andCreatesNothing() {
        String badBase64 = TestGateway.uniqueId("b64");
        StatusRuntimeException notBase64 = failureOf(() -> gateway.registry().createDevice(CreateDeviceRequest.newBuilder()
                .setDevice(Device.newBuilder().setDeviceId(badBase64).setSymmetricKeys(SymmetricKeys.newBuilder()
                        .setPrimaryKey("not*base64!").setSecondaryKey(key(32, 3)))).build()));
        String oneKey = TestGateway.uniqueId("onekey");
        StatusRuntimeException onlyPrimary = failureOf(() -> gateway.registry().createDevice(CreateDeviceRequest.newBuilder()
                .setDevice(Device.newBuilder().setDeviceId(oneKey).setSymmetricKeys(SymmetricKeys.newBuilder()
                        .setPrimaryKey(key(32, 4)))).build()));
        String stray = TestGateway.uniqueId("stray");
        StatusRuntimeException thumbprintOnSas = failureOf(() -> gateway.registry().createDevice(CreateDeviceRequest.newBuilder()
                .setDevice(Device.newBuilder().setDeviceId(stray).setAuthenticationType(AuthenticationType.AUTHENTICATION_TYPE_SAS)
                        .setX509Thumbprints(X509Thumbprints.newBuilder().setPrimaryThumbprint(THUMBPRINT_A))).build()));
        String noThumb = TestGateway.uniqueId("nothumb");
        StatusRuntimeException selfSignedWithoutThumbprint = failureOf(() -> gateway.registry().createDevice(
                CreateDeviceRequest.newBuilder().setDevice(Device.newBuilder().setDeviceId(noThumb)
                        .setAuthenticationType(AuthenticationType.AUTHENTICATION_TYPE_SELF_SIGNED)).build()));
        StatusRuntimeException shortKeyAndBadId = failureOf(() -> gateway.registry().createDevice(CreateDeviceRequest.newBuilder()
                .setDevice(Device.newBuilder().setDeviceId("no spaces").setSymmetricKeys(SymmetricKeys.newBuilder()
                        .setPrimaryKey(key(8, 5)).setSecondaryKey(key(32, 6)))).build()));

        assertThat(notBase64.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(Statuses.violatedFields(notBase64)).containsExactly("device.symmetric_keys.primary_key");
        assertThat(Statuses.violatedFields(onlyPrimary)).containsExactly("device.symmetric_keys.secondary_key");
        assertThat(Statuses.violatedFields(thumbprintOnSas)).containsExactly("device.x509_thumbprints");
        assertThat(Statuses.violatedFields(selfSignedWithoutThumbprint))
                .containsExactly("device.x509_thumbprints.primary_thumbprint");
        assertThat(Statuses.violatedFields(shortKeyAndBadId))
                .containsExactlyInAnyOrder("device.device_id", "device.symmetric_keys.primary_key");
        assertThat(java.util.stream.Stream.of(badBase64, oneKey, stray, noThumb).map(gateway.hub().store()::get))
                .containsOnlyNulls();
    }

    @Test
    void getDevice_withoutId_isInvalidArgumentOnDeviceId() {
        StatusRuntimeException failure = failureOf(() -> gateway.registry().getDevice(GetDeviceRequest.getDefaultInstance()));

        assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(Statuses.violatedFields(failure)).containsExactly("device_id");
    }

    @Test
    void update_eachFieldOnItsOwn_changesThatFieldAndKeepsTheOthers() {
        String id = TestGateway.uniqueId("fields");
        Device created = gateway.registry().createDevice(CreateDeviceRequest.newBuilder()
                .setDevice(Device.newBuilder().setDeviceId(id)).setView(IdentityView.IDENTITY_VIEW_WITH_KEYS).build());
        SymmetricKeys newKeys = SymmetricKeys.newBuilder().setPrimaryKey(key(32, 7)).setSecondaryKey(key(32, 8)).build();

        Device disabled = update(Device.newBuilder().setDeviceId(id).setStatus(DeviceStatus.DEVICE_STATUS_DISABLED)
                .setIotEdge(true).build(), "status");
        assertThat(disabled.getStatus()).isEqualTo(DeviceStatus.DEVICE_STATUS_DISABLED);
        assertThat(disabled.getIotEdge()).isFalse();
        assertThat(disabled.getSymmetricKeys()).isEqualTo(created.getSymmetricKeys());

        Device rekeyed = update(Device.newBuilder().setDeviceId(id).setSymmetricKeys(newKeys)
                .setStatus(DeviceStatus.DEVICE_STATUS_ENABLED).build(), "symmetric_keys");
        assertThat(rekeyed.getSymmetricKeys()).isEqualTo(newKeys);
        assertThat(rekeyed.getStatus()).isEqualTo(DeviceStatus.DEVICE_STATUS_DISABLED);

        Device edge = update(Device.newBuilder().setDeviceId(id).setIotEdge(true).build(), "iot_edge");
        assertThat(edge.getIotEdge()).isTrue();
        assertThat(edge.getSymmetricKeys()).isEqualTo(newKeys);

        Device selfSigned = update(Device.newBuilder().setDeviceId(id)
                .setAuthenticationType(AuthenticationType.AUTHENTICATION_TYPE_SELF_SIGNED)
                .setX509Thumbprints(X509Thumbprints.newBuilder().setPrimaryThumbprint(THUMBPRINT_A)).build(),
                "authentication_type", "x509_thumbprints");
        assertThat(selfSigned.getAuthenticationType()).isEqualTo(AuthenticationType.AUTHENTICATION_TYPE_SELF_SIGNED);
        assertThat(selfSigned.getX509Thumbprints().getPrimaryThumbprint()).isEqualToIgnoringCase(THUMBPRINT_A);
        assertThat(selfSigned.getIotEdge()).isTrue();

        Device newThumbprint = update(Device.newBuilder().setDeviceId(id)
                .setAuthenticationType(AuthenticationType.AUTHENTICATION_TYPE_SELF_SIGNED)
                .setX509Thumbprints(X509Thumbprints.newBuilder().setPrimaryThumbprint(THUMBPRINT_B)).build(), "x509_thumbprints");
        assertThat(newThumbprint.getX509Thumbprints().getPrimaryThumbprint()).isEqualToIgnoringCase(THUMBPRINT_B);

        Device backToSas = update(Device.newBuilder().setDeviceId(id)
                .setAuthenticationType(AuthenticationType.AUTHENTICATION_TYPE_SAS).setSymmetricKeys(newKeys).build(),
                "authentication_type", "symmetric_keys");
        assertThat(backToSas.getAuthenticationType()).isEqualTo(AuthenticationType.AUTHENTICATION_TYPE_SAS);
        assertThat(backToSas.getSymmetricKeys()).isEqualTo(newKeys);

        assertThat(getWithKeys(id)).isEqualTo(backToSas);
    }

    @Test
    void update_scopes_setsDeviceScopeAndParentScopes() {
        String parent = TestGateway.uniqueId("parent");
        Device edgeParent = gateway.registry().createDevice(CreateDeviceRequest.newBuilder()
                .setDevice(Device.newBuilder().setDeviceId(parent).setIotEdge(true)).build());
        String child = TestGateway.uniqueId("child");
        gateway.registry().createDevice(CreateDeviceRequest.newBuilder()
                .setDevice(Device.newBuilder().setDeviceId(child)).build());
        assertThat(edgeParent.getDeviceScope()).isNotEmpty();

        Device scoped = update(Device.newBuilder().setDeviceId(child).setDeviceScope(edgeParent.getDeviceScope())
                .addParentScopes(edgeParent.getDeviceScope()).build(), "device_scope", "parent_scopes");

        assertThat(scoped.getDeviceScope()).isEqualTo(edgeParent.getDeviceScope());
        assertThat(scoped.getParentScopesList()).containsExactly(edgeParent.getDeviceScope());
        Device read = gateway.registry().getDevice(GetDeviceRequest.newBuilder().setDeviceId(child).build());
        assertThat(read.getDeviceScope()).isEqualTo(edgeParent.getDeviceScope());
        assertThat(read.getParentScopesList()).containsExactly(edgeParent.getDeviceScope());
    }

    @Test
    void update_withStar_writesEveryUpdatableField() {
        String id = TestGateway.uniqueId("star");
        gateway.registry().createDevice(CreateDeviceRequest.newBuilder()
                .setDevice(Device.newBuilder().setDeviceId(id).setIotEdge(true)).build());
        SymmetricKeys keys = SymmetricKeys.newBuilder().setPrimaryKey(key(48, 9)).setSecondaryKey(key(48, 10)).build();

        Device updated = update(Device.newBuilder().setDeviceId(id).setStatus(DeviceStatus.DEVICE_STATUS_DISABLED)
                .setAuthenticationType(AuthenticationType.AUTHENTICATION_TYPE_SAS).setSymmetricKeys(keys)
                .setIotEdge(false).build(), "*");

        assertThat(updated.getStatus()).isEqualTo(DeviceStatus.DEVICE_STATUS_DISABLED);
        assertThat(updated.getSymmetricKeys()).isEqualTo(keys);
        assertThat(updated.getIotEdge()).isFalse();
        assertThat(getWithKeys(id)).isEqualTo(updated);
    }

    @Test
    void update_withMissingOrUnknownMaskPath_isInvalidArgumentOnUpdateMask_andChangesNothing() {
        String id = TestGateway.uniqueId("mask");
        Device created = create(id);

        StatusRuntimeException missing = failureOf(() -> gateway.registry().updateDevice(UpdateDeviceRequest.newBuilder()
                .setDevice(Device.newBuilder().setDeviceId(id).setStatus(DeviceStatus.DEVICE_STATUS_DISABLED)).build()));
        StatusRuntimeException unknown = failureOf(() -> update(Device.newBuilder().setDeviceId(id)
                .setStatus(DeviceStatus.DEVICE_STATUS_DISABLED).build(), "status", "generation_id"));
        StatusRuntimeException statusWithoutValue = failureOf(() -> update(Device.newBuilder().setDeviceId(id).build(), "status"));

        assertThat(missing.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(Statuses.violatedFields(missing)).containsExactly("update_mask");
        assertThat(unknown.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(Statuses.violatedFields(unknown)).containsExactly("update_mask");
        assertThat(unknown.getStatus().getDescription()).contains("generation_id");
        assertThat(Statuses.violatedFields(statusWithoutValue)).containsExactly("device.status");
        Device after = gateway.registry().getDevice(GetDeviceRequest.newBuilder().setDeviceId(id).build());
        assertThat(after.getEtag()).isEqualTo(created.getEtag());
        assertThat(after.getStatus()).isEqualTo(DeviceStatus.DEVICE_STATUS_ENABLED);
    }

    @Test
    void update_missingDevice_isNotFound() {
        StatusRuntimeException failure = failureOf(() -> update(Device.newBuilder()
                .setDeviceId(TestGateway.uniqueId("ghost")).setIotEdge(true).build(), "iot_edge"));

        assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(Statuses.errorInfo(failure).getReason()).isEqualTo("DeviceNotFound");
    }

    @Test
    void delete_withoutEtag_deletesUnconditionally_andASecondDeleteIsNotFound() {
        String id = TestGateway.uniqueId("gone");
        create(id);
        update(Device.newBuilder().setDeviceId(id).setIotEdge(true).build(), "iot_edge");

        gateway.registry().deleteDevice(DeleteDeviceRequest.newBuilder().setDeviceId(id).build());

        assertThat(gateway.hub().store().get(id)).isNull();
        StatusRuntimeException again = failureOf(() -> gateway.registry().deleteDevice(
                DeleteDeviceRequest.newBuilder().setDeviceId(id).build()));
        assertThat(again.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(Statuses.errorInfo(again).getReason()).isEqualTo("DeviceNotFound");
        StatusRuntimeException read = failureOf(() -> gateway.registry().getDevice(
                GetDeviceRequest.newBuilder().setDeviceId(id).build()));
        assertThat(read.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    }
}
