package io.hubgate.emulator.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubgate.emulator.http.HubErrorCode;
import io.hubgate.emulator.http.HubException;
import io.hubgate.emulator.http.HubRequest;
import io.hubgate.emulator.http.HubResponse;
import io.hubgate.emulator.http.IfMatch;
import io.hubgate.emulator.http.RouteTable.PathParameters;
import io.hubgate.emulator.json.Json;
import io.hubgate.emulator.registry.IdentityRegistry;
import io.hubgate.emulator.registry.TwinRegistry;
import io.hubgate.emulator.twin.TwinRules;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * {@code POST /devices}: up to 100 create / update / delete / twin-update operations in one
 * request. Items succeed or fail one by one (the service is not transactional across items);
 * failures are listed per item with the service's error name. The whole request is refused
 * only when it is malformed, too large (413002) or names an identity twice (400011).
 */
final class BulkApi {

    /** Items per bulk request. */
    static final int MAX_ITEMS = 100;

    private final IdentityRegistry registry;
    private final TwinRegistry twins;

    BulkApi(IdentityRegistry registry, TwinRegistry twins) {
        this.registry = registry;
        this.twins = twins;
    }

    HubResponse bulk(HubRequest request, PathParameters path) {
        JsonNode body = request.jsonBody();
        if (!body.isArray()) {
            throw new HubException(HubErrorCode.IOTHUB_FORMAT_ERROR, "A bulk registry request body must be a JSON array");
        }
        if (body.size() > MAX_ITEMS) {
            throw new HubException(HubErrorCode.TOO_MANY_DEVICES, "The bulk request has " + body.size()
                    + " items; at most " + MAX_ITEMS + " are allowed");
        }
        checkNoDuplicates(body);

        ArrayNode errors = Json.MAPPER.createArrayNode();
        for (JsonNode item : body) {
            try {
                apply((ObjectNode) item);
            } catch (HubException failed) {
                ObjectNode error = errors.addObject();
                error.put("deviceId", item.path("id").asText(null));
                error.put("moduleId", item.path("moduleId").asText(null));
                error.put("errorCode", failed.errorCode().errorName());
                error.put("errorStatus", failed.getMessage());
                error.put("operation", item.path("importMode").asText(null));
            }
        }
        ObjectNode result = Json.object();
        result.put("isSuccessful", errors.isEmpty());
        result.set("errors", errors);
        result.putArray("warnings");
        return HubResponse.json(errors.isEmpty() ? 200 : 400, result);
    }

    private static void checkNoDuplicates(JsonNode items) {
        Set<String> seen = new HashSet<>();
        for (JsonNode item : items) {
            if (!item.isObject()) {
                throw new HubException(HubErrorCode.IOTHUB_FORMAT_ERROR, "Every bulk item must be a JSON object");
            }
            String key = item.path("id").asText("") + "/" + item.path("moduleId").asText("");
            if (!seen.add(key)) {
                throw new HubException(HubErrorCode.DEVICE_DEFINED_MULTIPLE_TIMES,
                        "The identity " + key.replaceAll("/$", "") + " appears more than once in the bulk request");
            }
        }
    }

    private void apply(ObjectNode item) {
        String deviceId = IdentityJson.optionalText(item, "id");
        IdRules.validateDeviceId(deviceId);
        String moduleId = IdentityJson.optionalText(item, "moduleId");
        if (moduleId != null) {
            IdRules.validateModuleId(moduleId);
        }
        String mode = IdentityJson.optionalText(item, "importMode");
        if (mode == null) {
            throw HubException.argumentInvalid("importMode is required");
        }
        IfMatch etag = IfMatch.parse(etagField(item, "eTag"));
        // Validated before anything is written, so a bad twin never leaves a half-made identity.
        TwinJson.TwinUpdate twin = TwinJson.readUpdate(item);
        switch (mode.toLowerCase(Locale.ROOT)) {
            case "create" -> create(item, twin, deviceId, moduleId);
            case "update" -> upsert(item, twin, deviceId, moduleId, IfMatch.ANY);
            case "updateifmatchetag" -> upsert(item, twin, deviceId, moduleId, requireEtag(etag, "eTag"));
            case "delete" -> delete(deviceId, moduleId, IfMatch.ANY);
            case "deleteifmatchetag" -> delete(deviceId, moduleId, requireEtag(etag, "eTag"));
            case "updatetwin" -> updateTwin(twin, deviceId, moduleId, null);
            case "updatetwinifmatchetag" -> updateTwin(twin, deviceId, moduleId,
                    requireEtag(IfMatch.parse(etagField(item, "twinETag")), "twinETag"));
            default -> throw HubException.argumentInvalid("importMode '" + mode + "' is not one of create, update, "
                    + "updateIfMatchETag, delete, deleteIfMatchETag, updateTwin, updateTwinIfMatchETag");
        }
    }

    /**
     * An etag field whatever its case: the service reads JSON fields regardless of case, and the
     * Node SDK's updateDevices/removeDevices send devices as get() returned them, with "etag".
     */
    private static String etagField(ObjectNode item, String field) {
        for (java.util.Iterator<String> names = item.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (name.equalsIgnoreCase(field)) {
                return IdentityJson.optionalText(item, name);
            }
        }
        return null;
    }

    private static IfMatch requireEtag(IfMatch etag, String field) {
        if (etag == null) {
            throw HubException.argumentInvalid(field + " is required by this importMode");
        }
        return etag;
    }

    private void create(ObjectNode item, TwinJson.TwinUpdate twin, String deviceId, String moduleId) {
        // A new twin starts empty, so the item's sections are the whole twin. Their size is checked
        // before the identity exists; checked later, a too-large twin would leave the identity
        // created while the item is reported as failed.
        if (twin.tags() != null) {
            TwinRules.validateSize("tags", twin.tags(), TwinRules.MAX_TAGS_BYTES);
        }
        if (twin.desired() != null) {
            TwinRules.validateSize("properties.desired", twin.desired(), TwinRules.MAX_DESIRED_BYTES);
        }
        if (moduleId == null) {
            registry.createDevice(deviceId, current -> RegistryApi.readDeviceChanges(item, current));
        } else {
            registry.putModule(deviceId, moduleId, null, current -> RegistryApi.readModuleChanges(item, current));
        }
        applyTwinIfPresent(twin, deviceId, moduleId, null);
    }

    private void upsert(ObjectNode item, TwinJson.TwinUpdate twin, String deviceId, String moduleId, IfMatch ifMatch) {
        boolean exists = moduleId == null ? registry.store().get(deviceId) != null
                : registry.store().get(deviceId) != null && registry.store().get(deviceId).modules().containsKey(moduleId);
        if (!exists) {
            create(item, twin, deviceId, moduleId);
            return;
        }
        if (moduleId == null) {
            registry.updateDevice(deviceId, ifMatch, current -> RegistryApi.readDeviceChanges(item, current));
        } else {
            registry.putModule(deviceId, moduleId, ifMatch, current -> RegistryApi.readModuleChanges(item, current));
        }
        applyTwinIfPresent(twin, deviceId, moduleId, null);
    }

    private void delete(String deviceId, String moduleId, IfMatch ifMatch) {
        if (moduleId == null) {
            registry.deleteDevice(deviceId, ifMatch);
        } else {
            registry.deleteModule(deviceId, moduleId, ifMatch);
        }
    }

    private void updateTwin(TwinJson.TwinUpdate twin, String deviceId, String moduleId, IfMatch ifMatch) {
        if (!applyTwinIfPresent(twin, deviceId, moduleId, ifMatch)) {
            throw HubException.argumentInvalid("importMode updateTwin needs tags or properties.desired");
        }
    }

    /** Merges the item's tags and desired properties into the twin; false when it has none. */
    private boolean applyTwinIfPresent(TwinJson.TwinUpdate update, String deviceId, String moduleId, IfMatch ifMatch) {
        if (update.tags() == null && update.desired() == null) {
            return false;
        }
        TwinRegistry.TwinChange change = TwinRegistry.patch(update.tags(), update.desired());
        if (moduleId == null) {
            twins.changeDeviceTwin(deviceId, ifMatch, change);
        } else {
            twins.changeModuleTwin(deviceId, moduleId, ifMatch, change);
        }
        return true;
    }
}
