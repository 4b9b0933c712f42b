package io.hubgate.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubgate.emulator.json.Json;
import io.hubgate.emulator.support.RawHub;
import io.hubgate.emulator.support.TestHub;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * {@code POST /devices} with an array: every import mode, per-item failures that leave the
 * other items applied, and the refusals that leave everything untouched.
 */
class BulkRegistryTest {

    private static RawHub hub;

    @BeforeAll
    static void connect() {
        hub = new RawHub(TestHub.coordinates());
    }

    private static ObjectNode item(String id, String importMode) {
        ObjectNode item = Json.object().put("id", id);
        if (importMode != null) {
            item.put("importMode", importMode);
        }
        return item;
    }

    private static RawHub.Response bulk(ObjectNode... items) {
        ArrayNode array = Json.MAPPER.createArrayNode();
        for (ObjectNode item : items) {
            array.add(item);
        }
        return hub.call("POST", "/devices", Json.text(array));
    }

    private static void assertAllSucceeded(RawHub.Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.json().get("isSuccessful").booleanValue()).isTrue();
        assertThat(response.json().get("errors")).isEmpty();
        assertThat(response.json().get("warnings").isArray()).isTrue();
    }

    private static boolean exists(String id) {
        return hub.call("GET", "/devices/" + id, null).status() == 200;
    }

    private static JsonNode device(String id) {
        RawHub.Response response = hub.call("GET", "/devices/" + id, null);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json();
    }

    private static JsonNode twin(String id) {
        return hub.call("GET", "/twins/" + id, null).json();
    }

    private static String[] ids(String prefix, int count) {
        String[] ids = new String[count];
        for (int i = 0; i < count; i++) {
            ids[i] = TestHub.uniqueId(prefix);
        }
        return ids;
    }

    @Test
    void createSeveral_createsEveryDevice() {
        String[] ids = ids("bulk-create", 3);
        assertAllSucceeded(bulk(item(ids[0], "create"), item(ids[1], "create").put("status", "disabled"),
                item(ids[2], "create")));
        assertThat(device(ids[0]).get("status").textValue()).isEqualTo("enabled");
        assertThat(device(ids[1]).get("status").textValue()).isEqualTo("disabled");
        assertThat(device(ids[2]).at("/authentication/symmetricKey/primaryKey").textValue()).isNotEmpty();
    }

    @Test
    void createWithTagsAndDesired_appliesThemToTheTwin() {
        String id = TestHub.uniqueId("bulk-twin");
        ObjectNode item = item(id, "create");
        item.putObject("tags").put("site", "berlin");
        item.putObject("properties").putObject("desired").put("interval", 30);
        assertAllSucceeded(bulk(item));
        JsonNode twin = twin(id);
        assertThat(twin.at("/tags/site").textValue()).isEqualTo("berlin");
        assertThat(twin.at("/properties/desired/interval").intValue()).isEqualTo(30);
    }

    @Test
    void update_createsWhenMissingAndUpdatesWhenPresent() {
        String[] ids = ids("bulk-upsert", 2);
        assertAllSucceeded(bulk(item(ids[0], "create")));
        assertAllSucceeded(bulk(item(ids[0], "update").put("status", "disabled"), item(ids[1], "update")));
        assertThat(device(ids[0]).get("status").textValue()).isEqualTo("disabled");
        assertThat(exists(ids[1])).isTrue();
    }

    @Test
    void updateIfMatchETag_appliesWithCurrentEtagAndFailsWithStaleOne() {
        String id = TestHub.uniqueId("bulk-etag");
        assertAllSucceeded(bulk(item(id, "create")));
        String stale = device(id).get("etag").textValue();
        assertAllSucceeded(bulk(item(id, "updateIfMatchETag").put("eTag", stale).put("status", "disabled")));
        String current = device(id).get("etag").textValue();
        assertThat(current).isNotEqualTo(stale);

        RawHub.Response response = bulk(item(id, "updateIfMatchETag").put("eTag", stale).put("status", "enabled"));
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("isSuccessful").booleanValue()).isFalse();
        assertThat(response.json().get("errors")).extracting(e -> e.get("deviceId").textValue(),
                e -> e.get("errorCode").textValue()).containsExactly(tuple(id, "PreconditionFailed"));
        assertThat(device(id).get("etag").textValue()).isEqualTo(current);
        assertThat(device(id).get("status").textValue()).isEqualTo("disabled");
    }

    @Test
    void etagFields_areReadWhateverTheirCase_asTheNodeSdkSendsDevicesFromGet() {
        // Node's updateDevices(devices, false) sends each device as get() returned it: "etag",
        // not the documented "eTag". The service reads JSON fields regardless of case.
        String id = TestHub.uniqueId("bulk-etag-case");
        assertAllSucceeded(bulk(item(id, "create")));
        String current = device(id).get("etag").textValue();

        assertAllSucceeded(bulk(item(id, "UpdateIfMatchETag").put("etag", current).put("status", "disabled")));
        RawHub.Response stale = bulk(item(id, "UpdateIfMatchETag").put("etag", current).put("status", "enabled"));
        assertThat(stale.status()).isEqualTo(400);
        assertThat(stale.json().at("/errors/0/errorCode").textValue()).isEqualTo("PreconditionFailed");
        assertAllSucceeded(bulk(item(id, "updateTwinIfMatchETag").put("TWINETAG", twin(id).get("etag").textValue())
                .set("tags", Json.object().put("case", "any"))));
        assertAllSucceeded(bulk(item(id, "DeleteIfMatchETag").put("etag", device(id).get("etag").textValue())));
        assertThat(exists(id)).isFalse();
    }

    @Test
    void delete_removesDevices() {
        String[] ids = ids("bulk-delete", 2);
        assertAllSucceeded(bulk(item(ids[0], "create"), item(ids[1], "create")));
        assertAllSucceeded(bulk(item(ids[0], "delete"), item(ids[1], "delete")));
        assertThat(exists(ids[0])).isFalse();
        assertThat(exists(ids[1])).isFalse();
    }

    @Test
    void deleteIfMatchETag_deletesOnlyWithTheCurrentEtag() {
        String id = TestHub.uniqueId("bulk-delete-etag");
        assertAllSucceeded(bulk(item(id, "create")));
        String stale = device(id).get("etag").textValue();
        assertThat(hub.call("PUT", "/devices/" + id, "{\"status\":\"disabled\"}", java.util.Map.of("If-Match", "*"))
                .status()).isEqualTo(200);
        RawHub.Response refused = bulk(item(id, "deleteIfMatchETag").put("eTag", stale));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().at("/errors/0/errorCode").textValue()).isEqualTo("PreconditionFailed");
        assertThat(exists(id)).isTrue();
        assertAllSucceeded(bulk(item(id, "deleteIfMatchETag").put("eTag", device(id).get("etag").textValue())));
        assertThat(exists(id)).isFalse();
    }

    @Test
    void updateTwin_mergesTagsAndDesired() {
        String id = TestHub.uniqueId("bulk-update-twin");
        ObjectNode create = item(id, "create");
        create.putObject("tags").put("keep", 1).put("change", 1);
        assertAllSucceeded(bulk(create));
        ObjectNode update = item(id, "updateTwin");
        update.putObject("tags").put("change", 2);
        update.putObject("properties").putObject("desired").put("d", true);
        assertAllSucceeded(bulk(update));
        JsonNode twin = twin(id);
        assertThat(twin.at("/tags/keep").intValue()).isEqualTo(1);
        assertThat(twin.at("/tags/change").intValue()).isEqualTo(2);
        assertThat(twin.at("/properties/desired/d").booleanValue()).isTrue();
    }

    @Test
    void updateTwinIfMatchETag_failsWithStaleTwinEtag() {
        String id = TestHub.uniqueId("bulk-twin-etag");
        assertAllSucceeded(bulk(item(id, "create")));
        String stale = twin(id).get("etag").textValue();
        ObjectNode first = item(id, "updateTwinIfMatchETag").put("twinETag", stale);
        first.putObject("tags").put("n", 1);
        assertAllSucceeded(bulk(first));
        String current = twin(id).get("etag").textValue();

        ObjectNode second = item(id, "updateTwinIfMatchETag").put("twinETag", stale);
        second.putObject("tags").put("n", 2);
        RawHub.Response refused = bulk(second);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().at("/errors/0/errorCode").textValue()).isEqualTo("PreconditionFailed");
        assertThat(twin(id).get("etag").textValue()).isEqualTo(current);
        assertThat(twin(id).at("/tags/n").intValue()).isEqualTo(1);
    }

    @Test
    void moduleItems_createUpdateAndDeleteModules() {
        String id = TestHub.uniqueId("bulk-module");
        ObjectNode module = item(id, "create").put("moduleId", "m1");
        module.putObject("tags").put("role", "edge");
        assertAllSucceeded(bulk(item(id, "create"), module, item(id, "create").put("moduleId", "m2")));
        assertThat(hub.call("GET", "/devices/" + id + "/modules/m1", null).status()).isEqualTo(200);
        assertThat(hub.call("GET", "/twins/" + id + "/modules/m1", null).json().at("/tags/role").textValue())
                .isEqualTo("edge");
        assertAllSucceeded(bulk(item(id, "update").put("moduleId", "m1").put("managedBy", "bulk"),
                item(id, "delete").put("moduleId", "m2")));
        assertThat(hub.call("GET", "/devices/" + id + "/modules/m1", null).json().get("managedBy").textValue())
                .isEqualTo("bulk");
        assertThat(hub.call("GET", "/devices/" + id + "/modules/m2", null).status()).isEqualTo(404);
    }

    @Test
    void mixedBatch_listsExactlyTheFailingItemsAndAppliesTheRest() {
        String existing = TestHub.uniqueId("bulk-mixed-existing");
        String fresh = TestHub.uniqueId("bulk-mixed-fresh");
        String missing = TestHub.uniqueId("bulk-mixed-missing");
        String toDelete = TestHub.uniqueId("bulk-mixed-delete");
        assertAllSucceeded(bulk(item(existing, "create"), item(toDelete, "create")));
        String existingEtag = device(existing).get("etag").textValue();

        RawHub.Response response = bulk(item(existing, "create").put("status", "disabled"), item(fresh, "create"),
                item(missing, "delete"), item(toDelete, "delete"));
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.json().get("isSuccessful").booleanValue()).isFalse();
        assertThat(response.json().get("errors")).extracting(e -> e.get("deviceId").textValue(),
                        e -> e.get("errorCode").textValue(), e -> e.get("operation").textValue())
                .containsExactlyInAnyOrder(tuple(existing, "DeviceAlreadyExists", "create"),
                        tuple(missing, "DeviceNotFound", "delete"));
        assertThat(response.json().get("errors")).allSatisfy(e -> assertThat(e.get("errorStatus").textValue()).isNotBlank());
        assertThat(exists(fresh)).isTrue();
        assertThat(exists(toDelete)).isFalse();
        assertThat(exists(missing)).isFalse();
        assertThat(device(existing).get("etag").textValue()).isEqualTo(existingEtag);
        assertThat(device(existing).get("status").textValue()).isEqualTo("enabled");
    }

    @Test
    void importMode_isCaseInsensitive() {
        String id = TestHub.uniqueId("bulk-case");
        assertAllSucceeded(bulk(item(id, "Create")));
        assertAllSucceeded(bulk(item(id, "Update").put("status", "disabled")));
        assertThat(device(id).get("status").textValue()).isEqualTo("disabled");
        assertAllSucceeded(bulk(item(id, "DeleteIfMatchETag").put("eTag", device(id).get("etag").textValue())));
        assertThat(exists(id)).isFalse();
    }

    @Test
    void unknownOrMissingImportMode_isAnItemError() {
        String[] ids = ids("bulk-mode", 3);
        RawHub.Response response = bulk(item(ids[0], "upsert"), item(ids[1], null), item(ids[2], "create"));
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("errors")).extracting(e -> e.get("deviceId").textValue(),
                        e -> e.get("errorCode").textValue())
                .containsExactlyInAnyOrder(tuple(ids[0], "ArgumentInvalid"), tuple(ids[1], "ArgumentInvalid"));
        assertThat(exists(ids[0])).isFalse();
        assertThat(exists(ids[1])).isFalse();
        assertThat(exists(ids[2])).isTrue();
    }

    @Test
    void createWithInvalidTwin_isAnItemErrorAndCreatesNothing() {
        String[] ids = ids("bulk-bad-twin", 2);
        ObjectNode badKey = item(ids[0], "create");
        badKey.putObject("tags").put("a.b", 1);
        ObjectNode tooBig = item(ids[1], "create");
        tooBig.putObject("tags").put("big", "x".repeat(4000)).put("big2", "x".repeat(4000)).put("big3", "x".repeat(4000));
        RawHub.Response response = bulk(badKey, tooBig);
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("errors")).extracting(e -> e.get("deviceId").textValue(),
                        e -> e.get("errorCode").textValue())
                .containsExactlyInAnyOrder(tuple(ids[0], "ArgumentInvalid"), tuple(ids[1], "ArgumentInvalid"));
        assertThat(exists(ids[0])).isFalse();
        assertThat(exists(ids[1])).isFalse();
    }

    @Test
    void moreThanAHundredItems_isRefusedAndCreatesNothing() {
        List<ObjectNode> items = new ArrayList<>();
        String prefix = TestHub.uniqueId("bulk-101");
        for (int i = 0; i < 101; i++) {
            items.add(item(prefix + "-" + i, "create"));
        }
        RawHub.Response response = bulk(items.toArray(ObjectNode[]::new));
        assertThat(response.status()).isEqualTo(413);
        assertThat(response.errorCode()).isEqualTo(413002);
        assertThat(exists(prefix + "-0")).isFalse();
        assertThat(exists(prefix + "-100")).isFalse();
    }

    @Test
    void exactlyAHundredItems_isAccepted() {
        List<ObjectNode> items = new ArrayList<>();
        String prefix = TestHub.uniqueId("bulk-100");
        for (int i = 0; i < 100; i++) {
            items.add(item(prefix + "-" + i, "create"));
        }
        assertAllSucceeded(bulk(items.toArray(ObjectNode[]::new)));
        assertThat(exists(prefix + "-99")).isTrue();
    }

    @Test
    void sameIdTwice_isRefusedAndCreatesNothing() {
        String[] ids = ids("bulk-twice", 2);
        RawHub.Response response = bulk(item(ids[0], "create"), item(ids[1], "create"), item(ids[0], "delete"));
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.errorCode()).isEqualTo(400011);
        assertThat(exists(ids[0])).isFalse();
        assertThat(exists(ids[1])).isFalse();
    }

    @Test
    void sameDeviceWithDifferentModules_isNotADuplicate() {
        String id = TestHub.uniqueId("bulk-modules-distinct");
        assertAllSucceeded(bulk(item(id, "create"), item(id, "create").put("moduleId", "a"),
                item(id, "create").put("moduleId", "b")));
        assertThat(hub.call("GET", "/devices/" + id + "/modules", null).json()).hasSize(2);
    }

    @Test
    void bodyThatIsNotAnArray_isAFormatError() {
        RawHub.Response object = hub.call("POST", "/devices", "{\"id\":\"x\",\"importMode\":\"create\"}");
        assertThat(object.status()).isEqualTo(400);
        assertThat(object.errorCode()).isEqualTo(400006);
        RawHub.Response notJson = hub.call("POST", "/devices", "[{\"id\":");
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.errorCode()).isEqualTo(400006);
    }

    @Test
    void itemThatIsNotAnObject_isAFormatErrorAndCreatesNothing() {
        String id = TestHub.uniqueId("bulk-not-object");
        RawHub.Response response = hub.call("POST", "/devices",
                "[{\"id\":\"" + id + "\",\"importMode\":\"create\"}, \"just a string\"]");
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.errorCode()).isEqualTo(400006);
        assertThat(exists(id)).isFalse();
        RawHub.Response nested = hub.call("POST", "/devices", "[[]]");
        assertThat(nested.errorCode()).isEqualTo(400006);
    }

    @Test
    void emptyArray_succeedsWithNothingToDo() {
        RawHub.Response response = hub.call("POST", "/devices", "[]");
        assertAllSucceeded(response);
    }
}
