package io.hubgate.emulator;

import com.azure.core.credential.TokenCredential;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubUnauthorizedException;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodsClient;
import com.microsoft.azure.sdk.iot.service.query.QueryClient;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import com.microsoft.azure.sdk.iot.service.twin.Twin;
import com.microsoft.azure.sdk.iot.service.twin.TwinClient;
import io.hubgate.emulator.entra.DefaultDirectory;
import io.hubgate.emulator.http.HubErrorCode;
import io.hubgate.emulator.support.EntraClients;
import io.hubgate.emulator.support.RawHub;
import io.hubgate.emulator.support.SdkErrors;
import io.hubgate.emulator.support.TestHub;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Each built-in IoT Hub role, held by one default application, grants through the official SDK
 * exactly what it grants in Azure; everything else is 401 / 401003, and the refused call changes
 * nothing.
 */
class RbacRolesSdkTest {

    private static EmulatorCoordinates hub;
    private static String deviceId;

    @BeforeAll
    static void createDevice() {
        hub = TestHub.coordinates();
        deviceId = TestHub.uniqueId("rbac");
        assertThat(new RawHub(hub).call("PUT", "/devices/" + deviceId, "{}").status()).isEqualTo(200);
    }

    private record Clients(RegistryClient registry, TwinClient twins, QueryClient query, DirectMethodsClient methods) {
        static Clients of(String application) {
            TokenCredential credential = EntraClients.clientSecret(hub, application);
            return new Clients(new RegistryClient(hub.hostWithPort(), credential), new TwinClient(hub.hostWithPort(), credential),
                    new QueryClient(hub.hostWithPort(), credential), new DirectMethodsClient(hub.hostWithPort(), credential));
        }
    }

    /** A registry, twin or query call refused: the named error form, so the SDK sees 401 and the name. */
    private static void assertDenied(ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOf(IotHubUnauthorizedException.class)
                .satisfies(SdkErrors.named(HubErrorCode.IOTHUB_UNAUTHORIZED));
    }

    /** A direct method refused: the JSON error form, from which the SDK reads 401003 itself. */
    private static void assertMethodDenied(ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOf(IotHubUnauthorizedException.class)
                .satisfies(SdkErrors.sixDigit(HubErrorCode.IOTHUB_UNAUTHORIZED));
    }

    private static void patchTag(TwinClient twins, String value) throws Exception {
        Twin twin = new Twin(deviceId);
        twin.getTags().put("patchedBy", value);
        twins.patch(twin);
    }

    private static boolean exists(String id) {
        return new RawHub(hub).call("GET", "/devices/" + id, null).status() == 200;
    }

    @Test
    void dataContributor_mayDoEverything_andReachesTheOfflineDevice() throws Exception {
        Clients gateway = Clients.of(DefaultDirectory.GATEWAY);
        String other = TestHub.uniqueId("rbac-dc");

        gateway.registry().addDevice(new Device(other));
        assertThat(gateway.registry().getDevice(deviceId).getDeviceId()).isEqualTo(deviceId);
        patchTag(gateway.twins(), "contributor");
        assertThat(gateway.twins().get(deviceId).getTags()).containsEntry("patchedBy", "contributor");
        assertThat(gateway.query().queryTwins("SELECT * FROM devices WHERE deviceId = '" + deviceId + "'").hasNext()).isTrue();
        assertThat(gateway.registry().getStatistics().getTotalDeviceCount()).isPositive();
        // Authorized, so the call gets as far as the device, which is offline.
        assertThatThrownBy(() -> gateway.methods().invoke(deviceId, "reboot")).isInstanceOf(IotHubNotFoundException.class);
        gateway.registry().removeDevice(other);
        assertThat(exists(other)).isFalse();
    }

    @Test
    void dataReader_readsDevicesTwinsQueriesAndStatistics_butWritesNothing() throws Exception {
        Clients reader = Clients.of(DefaultDirectory.READER);
        String other = TestHub.uniqueId("rbac-reader");

        assertThat(reader.registry().getDevice(deviceId).getDeviceId()).isEqualTo(deviceId);
        assertThat(reader.twins().get(deviceId).getDeviceId()).isEqualTo(deviceId);
        assertThat(reader.query().queryTwins("SELECT * FROM devices WHERE deviceId = '" + deviceId + "'").hasNext()).isTrue();
        assertThatCode(() -> reader.registry().getStatistics()).doesNotThrowAnyException();

        assertDenied(() -> reader.registry().addDevice(new Device(other)));
        assertDenied(() -> patchTag(reader.twins(), "reader"));
        assertDenied(() -> reader.registry().removeDevice(deviceId));
        assertMethodDenied(() -> reader.methods().invoke(deviceId, "reboot"));
        assertThat(exists(other)).isFalse();
        assertThat(exists(deviceId)).isTrue();
    }

    @Test
    void registryContributor_managesDevices_butCannotReadTwinsOrQuery() throws Exception {
        Clients registry = Clients.of(DefaultDirectory.REGISTRY);
        String other = TestHub.uniqueId("rbac-registry");

        registry.registry().addDevice(new Device(other));
        assertThat(registry.registry().getDevice(other).getDeviceId()).isEqualTo(other);
        registry.registry().removeDevice(other);
        assertThat(exists(other)).isFalse();

        assertDenied(() -> registry.twins().get(deviceId));
        assertDenied(() -> registry.query().queryTwins("SELECT * FROM devices").hasNext());
        assertDenied(() -> patchTag(registry.twins(), "registry"));
        assertMethodDenied(() -> registry.methods().invoke(deviceId, "reboot"));
        assertDenied(() -> registry.registry().getStatistics());
    }

    @Test
    void twinContributor_readsPatchesAndQueriesTwins_butCannotTouchTheRegistry() throws Exception {
        Clients twin = Clients.of(DefaultDirectory.TWIN);

        patchTag(twin.twins(), "twin-contributor");
        assertThat(twin.twins().get(deviceId).getTags()).containsEntry("patchedBy", "twin-contributor");
        assertThat(twin.query().queryTwins("SELECT * FROM devices WHERE deviceId = '" + deviceId + "'").hasNext()).isTrue();

        assertDenied(() -> twin.registry().removeDevice(deviceId));
        assertDenied(() -> twin.registry().getDevice(deviceId));
        assertDenied(() -> twin.registry().addDevice(new Device(TestHub.uniqueId("rbac-twin"))));
        assertMethodDenied(() -> twin.methods().invoke(deviceId, "reboot"));
        assertThat(exists(deviceId)).isTrue();
    }

    @Test
    void anApplicationWithoutRoles_isDeniedEverything() {
        Clients nobody = Clients.of(DefaultDirectory.NO_ROLE);

        assertDenied(() -> nobody.registry().getDevice(deviceId));
        assertDenied(() -> nobody.twins().get(deviceId));
    }

    @Test
    void aDenial_usesTheServiceMessage_namingThePrincipalMethodAndPath() {
        String token = hub.entra().accessToken(DefaultDirectory.TWIN, "https://iothubs.azure.net");

        RawHub.Response response = new RawHub(hub).authorization("Bearer " + token).call("DELETE", "/devices/" + deviceId, null);

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.errorCode()).isEqualTo(401003);
        assertThat(response.errorMessage()).isEqualTo("Principal " + DefaultDirectory.TWIN + " is not authorized for DELETE on /devices/"
                + deviceId + " due to no assigned permissions");
        assertThat(response.body()).doesNotContain(token);
    }

    @Test
    void sasTokens_keepWorkingBesideBearerTokens() {
        assertThat(new RawHub(hub).call("GET", "/devices/" + deviceId, null).status()).isEqualTo(200);
    }
}
