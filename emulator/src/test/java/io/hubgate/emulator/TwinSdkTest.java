package io.hubgate.emulator;

import com.microsoft.azure.sdk.iot.service.exceptions.IotHubBadFormatException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubPreconditionFailedException;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.Module;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import com.microsoft.azure.sdk.iot.service.twin.Twin;
import com.microsoft.azure.sdk.iot.service.twin.TwinClient;
import com.microsoft.azure.sdk.iot.service.twin.TwinCollection;
import io.hubgate.emulator.http.HubErrorCode;
import io.hubgate.emulator.support.SdkErrors;
import io.hubgate.emulator.support.TestHub;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Device and module twins through the official Java SDK's TwinClient: merge, replace, versions, etags, rules. */
class TwinSdkTest {

    private static RegistryClient registry;
    private static TwinClient twins;

    @BeforeAll
    static void connect() {
        registry = new RegistryClient(TestHub.coordinates().hostWithPort(), TestHub.sas("iothubowner"));
        twins = new TwinClient(TestHub.coordinates().hostWithPort(), TestHub.sas("service"));
    }

    private static String newDevice(String prefix) throws Exception {
        return registry.addDevice(new Device(TestHub.uniqueId(prefix))).getDeviceId();
    }

    @Test
    void newTwin_startsAtVersionOneWithEmptySections() throws Exception {
        Twin twin = twins.get(newDevice("fresh"));

        assertThat(twin.getVersion()).isEqualTo(1);
        assertThat(twin.getETag()).isNotBlank();
        assertThat(twin.getTags()).isEmpty();
        assertThat(twin.getDesiredProperties()).isEmpty();
        assertThat(twin.getDesiredProperties().getVersion()).isEqualTo(1);
        assertThat(twin.getReportedProperties().getVersion()).isEqualTo(1);
        assertThat(twin.getConnectionState()).isEqualToIgnoringCase("Disconnected");
    }

    @Test
    void patch_mergesTagsAndDesired_andBumpsVersions() throws Exception {
        String id = newDevice("patch");
        Twin first = new Twin(id);
        first.getTags().put("location", Map.of("region", "eu", "site", "ams"));
        first.getDesiredProperties().put("interval", 10);
        Twin afterFirst = twins.patch(first);

        Twin second = new Twin(id);
        second.getTags().put("location", Map.of("site", "rtm"));
        second.getDesiredProperties().put("mode", "eco");
        Twin afterSecond = twins.patch(second);

        assertThat(afterSecond.getVersion()).isEqualTo(afterFirst.getVersion() + 1);
        assertThat(afterSecond.getDesiredProperties().getVersion()).isEqualTo(afterFirst.getDesiredProperties().getVersion() + 1);
        assertThat(afterSecond.getETag()).isNotEqualTo(afterFirst.getETag());
        @SuppressWarnings("unchecked")
        Map<String, Object> location = (Map<String, Object>) afterSecond.getTags().get("location");
        assertThat(location).containsEntry("region", "eu").containsEntry("site", "rtm");
        assertThat(afterSecond.getDesiredProperties()).containsKeys("interval", "mode");
    }

    @Test
    void patch_withNull_removesTheProperty() throws Exception {
        String id = newDevice("nulls");
        Twin set = new Twin(id);
        set.getDesiredProperties().put("a", 1);
        set.getDesiredProperties().put("b", 2);
        twins.patch(set);

        Twin remove = new Twin(id);
        remove.getDesiredProperties().put("a", null);
        Twin result = twins.patch(remove);

        assertThat(result.getDesiredProperties()).doesNotContainKey("a").containsKey("b");
        assertThat(twins.get(id).getDesiredProperties()).doesNotContainKey("a");
    }

    @Test
    void patch_recordsMetadataForEachProperty() throws Exception {
        String id = newDevice("meta");
        Twin patch = new Twin(id);
        patch.getDesiredProperties().put("interval", 5);
        Twin result = twins.patch(patch);

        TwinCollection desired = result.getDesiredProperties();
        assertThat(desired.getTwinMetadata("interval")).isNotNull();
        assertThat(desired.getTwinMetadata("interval").getLastUpdatedVersion()).isEqualTo(desired.getVersion());
        assertThat(desired.getTwinMetadata("interval").getLastUpdated()).isNotNull();
    }

    @Test
    void replace_replacesTagsAndDesiredWhole() throws Exception {
        String id = newDevice("replace");
        Twin initial = new Twin(id);
        initial.getTags().put("old", "tag");
        initial.getDesiredProperties().put("old", 1);
        twins.patch(initial);

        Twin replacement = twins.get(id);
        replacement.getTags().clear();
        replacement.getTags().put("new", "tag");
        replacement.getDesiredProperties().clear();
        replacement.getDesiredProperties().put("new", 2);
        Twin result = twins.replace(replacement);

        assertThat(result.getTags()).containsOnlyKeys("new");
        assertThat(result.getDesiredProperties()).containsOnlyKeys("new");
    }

    @Test
    void patch_withStaleEtag_isPreconditionFailed412001_andChangesNothing() throws Exception {
        String id = newDevice("etag");
        Twin original = twins.get(id);
        Twin winner = new Twin(id);
        winner.getDesiredProperties().put("owner", "first");
        twins.patch(winner, original.getETag());

        Twin loser = new Twin(id);
        loser.getDesiredProperties().put("owner", "second");

        assertThatThrownBy(() -> twins.patch(loser, original.getETag()))
                .isInstanceOf(IotHubPreconditionFailedException.class)
                .satisfies(SdkErrors.named(HubErrorCode.PRECONDITION_FAILED));
        assertThat(twins.get(id).getDesiredProperties()).containsEntry("owner", "first");
    }

    @Test
    void patch_withCurrentEtagOrStar_succeeds() throws Exception {
        String id = newDevice("etagok");
        Twin patch = new Twin(id);
        patch.getDesiredProperties().put("x", 1);

        Twin afterEtag = twins.patch(patch, twins.get(id).getETag());
        Twin afterStar = twins.patch(patch, "*");

        assertThat(afterStar.getVersion()).isEqualTo(afterEtag.getVersion() + 1);
    }

    @Test
    void patch_withDotInKey_isArgumentInvalid400004() throws Exception {
        Twin patch = new Twin(newDevice("dot"));
        patch.getTags().put("bad.key", 1);

        assertThatThrownBy(() -> twins.patch(patch))
                .isInstanceOf(IotHubBadFormatException.class)
                .satisfies(SdkErrors.named(HubErrorCode.ARGUMENT_INVALID));
    }

    @Test
    void patch_tenNestedObjectsAreAccepted_butElevenAreRefused() throws Exception {
        String id = newDevice("depth");
        Twin ten = new Twin(id);
        ten.getDesiredProperties().put("l1", nested(10));
        twins.patch(ten);

        Twin eleven = new Twin(id);
        eleven.getDesiredProperties().put("l1", nested(11));
        assertThatThrownBy(() -> twins.patch(eleven))
                .isInstanceOf(IotHubBadFormatException.class)
                .satisfies(SdkErrors.named(HubErrorCode.ARGUMENT_INVALID));
    }

    /** {@code levels} nested objects, the innermost holding a number: l1's value is the first of them. */
    private static Object nested(int levels) {
        Object value = 1;
        for (int i = levels; i >= 1; i--) {
            value = Map.of("n" + i, value);
        }
        return value;
    }

    @Test
    void patch_desiredOver32KB_isRefused_andTheTwinKeepsItsVersion() throws Exception {
        String id = newDevice("size");
        int before = twins.get(id).getVersion();
        Twin patch = new Twin(id);
        for (int i = 0; i < 10; i++) {
            patch.getDesiredProperties().put("p" + i, "v".repeat(4000));
        }

        assertThatThrownBy(() -> twins.patch(patch))
                .isInstanceOf(IotHubBadFormatException.class)
                .satisfies(SdkErrors.named(HubErrorCode.ARGUMENT_INVALID));
        assertThat(twins.get(id).getVersion()).isEqualTo(before);
    }

    @Test
    void twinOfMissingDevice_isNotFound404001() {
        assertThatThrownBy(() -> twins.get(TestHub.uniqueId("none")))
                .isInstanceOf(IotHubNotFoundException.class)
                .satisfies(SdkErrors.named(HubErrorCode.DEVICE_NOT_FOUND));
    }

    @Test
    void moduleTwin_patchReplaceAndGet() throws Exception {
        String id = newDevice("modtwin");
        registry.addModule(new Module(id, "sensor"));

        Twin patch = new Twin(id, "sensor");
        patch.getDesiredProperties().put("rate", 3);
        Twin patched = twins.patch(patch);
        Twin replace = twins.get(id, "sensor");
        replace.getTags().put("kind", "thermo");
        Twin replaced = twins.replace(replace);

        assertThat(patched.getModuleId()).isEqualTo("sensor");
        assertThat(patched.getDesiredProperties()).containsKey("rate");
        assertThat(replaced.getTags()).containsEntry("kind", "thermo");
        assertThat(twins.get(id, "sensor").getVersion()).isEqualTo(3);
        assertThat(twins.get(id).getVersion()).isEqualTo(1);
    }

    @Test
    void moduleTwinOfMissingModule_isNotFound404010() throws Exception {
        String id = newDevice("nomod");

        assertThatThrownBy(() -> twins.get(id, "absent"))
                .isInstanceOf(IotHubNotFoundException.class)
                .satisfies(SdkErrors.named(HubErrorCode.MODULE_NOT_FOUND));
    }
}
