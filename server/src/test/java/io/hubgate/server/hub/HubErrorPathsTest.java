package io.hubgate.server.hub;

import com.google.gson.JsonObject;
import com.google.rpc.ErrorInfo;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubException;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.twin.Twin;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.hubgate.api.v1.CreateDeviceRequest;
import io.hubgate.api.v1.GetTwinRequest;
import io.hubgate.server.support.Statuses;
import io.hubgate.server.support.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * One hub answer, one status, whichever path met it. IoT Hub words registry and twin errors in
 * its named form ({@code "ErrorCode:DeviceNotFound;…"}), from which the Java SDK keeps only the
 * HTTP status as the code and the text as the message (azure-iot-sdk-java #1108), while the
 * controlled path reads the body and the {@code iothub-errorcode} header itself. Each test sends
 * the same request both ways to the emulator, which answers as the service does, and maps both
 * failures: the same code, the same ErrorInfo (reason DeviceNotFound, not NotFound; the six-digit
 * code in the metadata) and the same message.
 */
class HubErrorPathsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static TestGateway gateway;
    private static HubClients.SdkClients sdk;
    private static io.hubgate.server.hub.rest.HubRest rest;

    @BeforeAll
    static void start() {
        gateway = TestGateway.start();
        HubClients clients = gateway.gateway().hub().clients();
        sdk = clients.within(TIMEOUT);
        rest = clients.rest(TIMEOUT);
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
    }

    @Test
    void missingDevice_readThroughEitherPath_isNotFound_DeviceNotFound_404001() {
        String id = TestGateway.uniqueId("gone");

        StatusRuntimeException status = sameThroughBothPaths(() -> sdk.registry().getDevice(id), () -> rest.getDevice(id));

        assertHubError(status, Status.Code.NOT_FOUND, "DeviceNotFound", 404001);
        assertThat(status.getStatus().getDescription()).isEqualTo("Device " + id + " not registered");
    }

    @Test
    void missingModule_readThroughEitherPath_isModuleNotFound_404010() {
        String id = createdDevice("nomod");

        StatusRuntimeException status = sameThroughBothPaths(() -> sdk.registry().getModule(id, "ghost"),
                () -> rest.getModule(id, "ghost"));

        assertHubError(status, Status.Code.NOT_FOUND, "ModuleNotFound", 404010);
    }

    @Test
    void twinOfAMissingDevice_readThroughEitherPath_isDeviceNotFound_404001() {
        String id = TestGateway.uniqueId("gone-twin");

        StatusRuntimeException status = sameThroughBothPaths(() -> sdk.twins().get(id), () -> rest.getTwin(id, ""));

        assertHubError(status, Status.Code.NOT_FOUND, "DeviceNotFound", 404001);
    }

    @Test
    void creatingAnExistingDevice_throughEitherPath_isAlreadyExists_DeviceAlreadyExists_409001() {
        String id = createdDevice("twice");
        JsonObject body = new JsonObject();
        body.addProperty("deviceId", id);

        StatusRuntimeException status = sameThroughBothPaths(() -> sdk.registry().addDevice(new Device(id)),
                () -> rest.createDevice(body));

        assertHubError(status, Status.Code.ALREADY_EXISTS, "DeviceAlreadyExists", 409001);
    }

    @Test
    void twinPatchWithAStaleEtag_throughEitherPath_isAborted_PreconditionFailed_412001() {
        String id = createdDevice("stale");
        Twin patch = new Twin(id);
        patch.getTags().put("site", "7");
        JsonObject body = new JsonObject();
        body.add("tags", new JsonObject());
        body.getAsJsonObject("tags").addProperty("site", "7");

        StatusRuntimeException status = sameThroughBothPaths(() -> sdk.twins().patch(patch, "\"c3RhbGU=\""),
                () -> rest.patchTwin(id, "", body, "c3RhbGU="));

        assertHubError(status, Status.Code.ABORTED, "PreconditionFailed", 412001);
    }

    @Test
    void missingTwin_throughTheGateway_isDeviceNotFound_whetherTheSdkOrTheControlledPathServesIt() {
        // A plain id goes through the SDK; one with '#' through the controlled path (the SDK cannot address it).
        for (String id : new String[]{TestGateway.uniqueId("gone-sdk"), TestGateway.uniqueId("gone#rest")}) {
            StatusRuntimeException failure = Statuses.failureOf(() -> gateway.twins()
                    .getTwin(GetTwinRequest.newBuilder().setDeviceId(id).build()));

            assertHubError(failure, Status.Code.NOT_FOUND, "DeviceNotFound", 404001);
            assertThat(failure.getStatus().getDescription()).as(id).isEqualTo("Device " + id + " not registered");
        }
    }

    /** Runs the SDK call and the controlled-path call, asserts each failed, and that both map alike. */
    private static StatusRuntimeException sameThroughBothPaths(Executable viaSdk, Executable viaRest) {
        Throwable sdkFailure = catchThrowable(viaSdk::execute);
        Throwable restFailure = catchThrowable(viaRest::execute);
        assertThat(sdkFailure).as("the SDK path failed").isInstanceOf(IotHubException.class);
        assertThat(restFailure).as("the controlled path failed").isInstanceOf(HubErrorResponse.class);

        StatusRuntimeException fromSdk = HubErrorMapper.map(sdkFailure);
        StatusRuntimeException fromRest = HubErrorMapper.map(restFailure);

        assertThat(fromSdk.getStatus().getCode()).as(sdkFailure.getMessage()).isEqualTo(fromRest.getStatus().getCode());
        assertThat(Statuses.errorInfo(fromSdk)).as(sdkFailure.getMessage()).isEqualTo(Statuses.errorInfo(fromRest));
        assertThat(fromSdk.getStatus().getDescription()).isEqualTo(fromRest.getStatus().getDescription());
        return fromSdk;
    }

    private static void assertHubError(StatusRuntimeException status, Status.Code code, String reason, int iotHubCode) {
        assertThat(status.getStatus().getCode()).as(status.toString()).isEqualTo(code);
        ErrorInfo info = Statuses.errorInfo(status);
        assertThat(info.getDomain()).isEqualTo(HubErrorMapper.DOMAIN);
        assertThat(info.getReason()).as(status.toString()).isEqualTo(reason);
        assertThat(info.getMetadataMap()).containsEntry("iotHubErrorCode", Integer.toString(iotHubCode));
    }

    private static String createdDevice(String prefix) {
        String id = TestGateway.uniqueId(prefix);
        gateway.registry().createDevice(CreateDeviceRequest.newBuilder()
                .setDevice(io.hubgate.api.v1.Device.newBuilder().setDeviceId(id)).build());
        return id;
    }
}
