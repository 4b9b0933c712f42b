package io.hubgate.emulator.twin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubgate.emulator.json.Json;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * One versioned property section of a twin (desired or reported): its values, the
 * {@code $metadata} tree that mirrors them, and its {@code $version}.
 *
 * <p>Immutable: every change deep-copies the trees it touches and returns a new section, so a
 * reader holding an old section (a query, a response being written) never sees it change.
 * Nodes returned by the accessors must not be modified.
 */
public final class TwinSection {

    private final ObjectNode values;
    private final ObjectNode metadata;
    private final long version;
    private final boolean tracksVersionInMetadata;

    private TwinSection(ObjectNode values, ObjectNode metadata, long version, boolean tracksVersionInMetadata) {
        this.values = values;
        this.metadata = metadata;
        this.version = version;
        this.tracksVersionInMetadata = tracksVersionInMetadata;
    }

    /**
     * A new, empty section at version 1.
     *
     * @param tracksVersionInMetadata desired metadata carries {@code $lastUpdatedVersion}; reported does not
     */
    public static TwinSection empty(Instant now, boolean tracksVersionInMetadata) {
        ObjectNode metadata = Json.object();
        TwinSection section = new TwinSection(Json.object(), metadata, 1, tracksVersionInMetadata);
        section.stamp(metadata, now, 1);
        return section;
    }

    /** Restores a section from its persisted parts. */
    public static TwinSection restore(ObjectNode values, ObjectNode metadata, long version, boolean tracksVersion) {
        return new TwinSection(values, metadata, version, tracksVersion);
    }

    public ObjectNode values() {
        return values;
    }

    public ObjectNode metadata() {
        return metadata;
    }

    public long version() {
        return version;
    }

    public boolean tracksVersionInMetadata() {
        return tracksVersionInMetadata;
    }

    /** Merges a patch: objects merge recursively, a null deletes the key, anything else replaces. */
    public TwinSection merge(ObjectNode patch, Instant now) {
        long newVersion = version + 1;
        ObjectNode newValues = values.deepCopy();
        ObjectNode newMetadata = metadata.deepCopy();
        mergeInto(newValues, newMetadata, patch, now, newVersion);
        stamp(newMetadata, now, newVersion);
        return new TwinSection(newValues, newMetadata, newVersion, tracksVersionInMetadata);
    }

    /** Replaces all values (a twin PUT); nulls in the replacement are dropped. */
    public TwinSection replace(ObjectNode replacement, Instant now) {
        long newVersion = version + 1;
        ObjectNode newValues = withoutNulls(replacement);
        ObjectNode newMetadata = Json.object();
        buildMetadata(newValues, newMetadata, now, newVersion);
        return new TwinSection(newValues, newMetadata, newVersion, tracksVersionInMetadata);
    }

    /** The section as the wire shows it: values plus {@code $metadata} and {@code $version}. */
    public ObjectNode toWire() {
        ObjectNode wire = values.deepCopy();
        wire.set("$metadata", metadata.deepCopy());
        wire.put("$version", version);
        return wire;
    }

    private void mergeInto(ObjectNode target, ObjectNode targetMetadata, ObjectNode patch, Instant now, long newVersion) {
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String key = field.getKey();
            JsonNode patchValue = field.getValue();
            if (patchValue.isNull()) {
                target.remove(key);
                targetMetadata.remove(key);
            } else if (patchValue.isObject() && target.get(key) instanceof ObjectNode existing) {
                ObjectNode childMetadata = targetMetadata.get(key) instanceof ObjectNode m ? m : targetMetadata.putObject(key);
                mergeInto(existing, childMetadata, (ObjectNode) patchValue, now, newVersion);
                stamp(childMetadata, now, newVersion);
            } else {
                JsonNode value = patchValue.isObject() ? withoutNulls((ObjectNode) patchValue) : patchValue.deepCopy();
                target.set(key, value);
                ObjectNode childMetadata = Json.object();
                buildMetadata(value, childMetadata, now, newVersion);
                targetMetadata.set(key, childMetadata);
            }
        }
    }

    private void buildMetadata(JsonNode value, ObjectNode metadataNode, Instant now, long newVersion) {
        if (value.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                ObjectNode child = metadataNode.putObject(field.getKey());
                buildMetadata(field.getValue(), child, now, newVersion);
            }
        }
        stamp(metadataNode, now, newVersion);
    }

    private void stamp(ObjectNode metadataNode, Instant now, long stampVersion) {
        metadataNode.put("$lastUpdated", TwinTimes.metadata(now));
        if (tracksVersionInMetadata) {
            metadataNode.put("$lastUpdatedVersion", stampVersion);
        }
    }

    private static ObjectNode withoutNulls(ObjectNode source) {
        ObjectNode copy = Json.object();
        List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
        source.fields().forEachRemaining(fields::add);
        for (Map.Entry<String, JsonNode> field : fields) {
            JsonNode value = field.getValue();
            if (value.isNull()) {
                continue;
            }
            copy.set(field.getKey(), value.isObject() ? withoutNulls((ObjectNode) value) : value.deepCopy());
        }
        return copy;
    }
}
