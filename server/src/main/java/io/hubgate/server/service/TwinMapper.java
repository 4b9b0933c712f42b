package io.hubgate.server.service;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.microsoft.azure.sdk.iot.service.twin.Twin;
import com.microsoft.azure.sdk.iot.service.twin.TwinCollection;
import com.microsoft.azure.sdk.iot.service.twin.TwinMetadata;
import com.microsoft.azure.sdk.iot.service.twin.TwinStatus;
import io.hubgate.api.v1.ConnectionState;
import io.hubgate.api.v1.DeviceStatus;
import io.hubgate.api.v1.TwinProperties;

import java.time.format.DateTimeFormatter;
import java.util.Map;

/** Maps SDK twins to proto twins: values as Structs, $version and $metadata kept apart. */
final class TwinMapper {

    private TwinMapper() {
    }

    static io.hubgate.api.v1.Twin toProto(Twin twin) {
        io.hubgate.api.v1.Twin.Builder proto = io.hubgate.api.v1.Twin.newBuilder()
                .setDeviceId(nullToEmpty(twin.getDeviceId()))
                .setModuleId(nullToEmpty(twin.getModuleId()))
                .setEtag(nullToEmpty(twin.getETag()))
                .setVersion(twin.getVersion() == null ? 0 : twin.getVersion())
                .setTags(StructConverter.toStruct(twin.getTags()))
                .setDesired(properties(twin.getDesiredProperties()))
                .setReported(properties(twin.getReportedProperties()))
                .setModelId(nullToEmpty(twin.getModelId()))
                .setIotEdge(twin.getCapabilities() != null && Boolean.TRUE.equals(twin.getCapabilities().isIotEdge()));
        if (twin.getStatus() != null) {
            proto.setStatus(twin.getStatus() == TwinStatus.DISABLED ? DeviceStatus.DEVICE_STATUS_DISABLED
                    : DeviceStatus.DEVICE_STATUS_ENABLED);
        }
        if (twin.getConnectionState() != null) {
            proto.setConnectionState("connected".equalsIgnoreCase(twin.getConnectionState())
                    ? ConnectionState.CONNECTION_STATE_CONNECTED : ConnectionState.CONNECTION_STATE_DISCONNECTED);
        }
        com.google.protobuf.Timestamp lastActivity = Timestamps.parse(twin.getLastActivityTime());
        if (lastActivity != null) {
            proto.setLastActivityTime(lastActivity);
        }
        return proto.build();
    }

    private static TwinProperties properties(TwinCollection collection) {
        TwinProperties.Builder properties = TwinProperties.newBuilder()
                .setProperties(StructConverter.toStruct(collection))
                .setMetadata(metadata(collection));
        if (collection.getVersion() != null) {
            properties.setVersion(collection.getVersion());
        }
        return properties.build();
    }

    /**
     * The $metadata tree of a collection, rebuilt from the SDK's per-key metadata straight into a
     * Struct (building Java maps first and converting them cost twice the allocation).
     */
    private static Struct metadata(TwinCollection collection) {
        Struct.Builder tree = Struct.newBuilder();
        stamp(tree, collection.getTwinMetadata());
        for (Map.Entry<String, Object> entry : collection.entrySet()) {
            Struct child;
            if (entry.getValue() instanceof TwinCollection nested) {
                child = metadata(nested);
            } else {
                Struct.Builder leaf = Struct.newBuilder();
                stamp(leaf, collection.getTwinMetadata(entry.getKey()));
                child = leaf.build();
            }
            tree.putFields(entry.getKey(), Value.newBuilder().setStructValue(child).build());
        }
        return tree.build();
    }

    private static void stamp(Struct.Builder node, TwinMetadata metadata) {
        if (metadata == null) {
            return;
        }
        if (metadata.getLastUpdated() != null) {
            node.putFields(TwinMetadata.LAST_UPDATE_TAG, Value.newBuilder()
                    .setStringValue(DateTimeFormatter.ISO_INSTANT.format(metadata.getLastUpdated().toInstant())).build());
        }
        if (metadata.getLastUpdatedVersion() != null) {
            node.putFields(TwinMetadata.LAST_UPDATE_VERSION_TAG, Value.newBuilder()
                    .setNumberValue(metadata.getLastUpdatedVersion()).build());
        }
    }

    /** An SDK twin carrying only the given tags and desired properties (for patch and replace). */
    static Twin toSdk(String deviceId, String moduleId, Struct tags, Struct desired) {
        Twin twin = moduleId.isEmpty() ? new Twin(deviceId) : new Twin(deviceId, moduleId);
        if (tags != null) {
            fill(twin.getTags(), tags);
        }
        if (desired != null) {
            fill(twin.getDesiredProperties(), desired);
        }
        return twin;
    }

    /**
     * Copies a Struct into an SDK collection in time linear in its size. Not through
     * {@code TwinCollection.put}/{@code putAll}: {@code put} re-validates the whole collection
     * ({@code ParserUtility.validateMap}) after every key, so n keys cost O(n²) (10,000 keys took
     * 43 s of a core). {@code putIfAbsent} is HashMap's own and inserts without calling
     * {@code put}; the values were already checked by {@link TwinChecks}, which is stricter than
     * that validation (it only refuses arrays and local classes, which a Struct never holds).
     * Nested objects become TwinCollections, as {@code put} would make them.
     */
    static void fill(TwinCollection collection, Struct struct) {
        for (Map.Entry<String, Value> field : struct.getFieldsMap().entrySet()) {
            Value value = field.getValue();
            Object sdkValue;
            if (value.getKindCase() == Value.KindCase.STRUCT_VALUE) {
                TwinCollection nested = new TwinCollection();
                fill(nested, value.getStructValue());
                sdkValue = nested;
            } else {
                sdkValue = StructConverter.toJava(value);
            }
            collection.putIfAbsent(field.getKey(), sdkValue);
        }
    }

    private static String nullToEmpty(String text) {
        return text == null ? "" : text;
    }
}
