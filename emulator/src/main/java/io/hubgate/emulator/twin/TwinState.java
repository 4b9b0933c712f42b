package io.hubgate.emulator.twin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubgate.emulator.json.Json;

import java.time.Instant;

/**
 * The twin of one device or module: tags, desired and reported sections, the twin's own
 * {@code version} and {@code etag}. Immutable; every operation returns a new state.
 *
 * <p>Versions follow the service: the twin version counts every change (tags, desired or
 * reported); each section's {@code $version} counts changes to that section only. The etag
 * changes with every change and is the 8-byte big-endian counter in base64, as the hub shows it.
 */
public final class TwinState {

    private final ObjectNode tags;
    private final TwinSection desired;
    private final TwinSection reported;
    private final long version;
    private final String etag;

    private TwinState(ObjectNode tags, TwinSection desired, TwinSection reported, long version, String etag) {
        this.tags = tags;
        this.desired = desired;
        this.reported = reported;
        this.version = version;
        this.etag = etag;
    }

    public static TwinState created(Instant now, String etag) {
        return new TwinState(Json.object(), TwinSection.empty(now, true), TwinSection.empty(now, false), 1, etag);
    }

    public static TwinState restore(ObjectNode tags, TwinSection desired, TwinSection reported, long version, String etag) {
        return new TwinState(tags, desired, reported, version, etag);
    }

    public ObjectNode tags() {
        return tags;
    }

    public TwinSection desired() {
        return desired;
    }

    public TwinSection reported() {
        return reported;
    }

    public long version() {
        return version;
    }

    public String etag() {
        return etag;
    }

    /**
     * Applies a twin PATCH: tags and desired merge (null deletes). Either may be null (absent).
     * The result is validated against the size limits.
     */
    public TwinState patch(ObjectNode tagsPatch, ObjectNode desiredPatch, Instant now, String newEtag) {
        ObjectNode newTags = tags;
        if (tagsPatch != null && !tagsPatch.isEmpty()) {
            newTags = tags.deepCopy();
            mergeTags(newTags, tagsPatch);
            TwinRules.validateSize("tags", newTags, TwinRules.MAX_TAGS_BYTES);
        }
        TwinSection newDesired = desired;
        if (desiredPatch != null && !desiredPatch.isEmpty()) {
            newDesired = desired.merge(desiredPatch, now);
            TwinRules.validateSize("properties.desired", newDesired.values(), TwinRules.MAX_DESIRED_BYTES);
        }
        return new TwinState(newTags, newDesired, reported, version + 1, newEtag);
    }

    /** Applies a twin PUT: tags and desired are replaced whole (a null or absent one is emptied). */
    public TwinState replace(ObjectNode newTagsOrNull, ObjectNode newDesiredOrNull, Instant now, String newEtag) {
        ObjectNode newTags = Json.object();
        if (newTagsOrNull != null) {
            mergeTags(newTags, newTagsOrNull);
        }
        TwinRules.validateSize("tags", newTags, TwinRules.MAX_TAGS_BYTES);
        TwinSection newDesired = desired.replace(newDesiredOrNull == null ? Json.object() : newDesiredOrNull, now);
        TwinRules.validateSize("properties.desired", newDesired.values(), TwinRules.MAX_DESIRED_BYTES);
        return new TwinState(newTags, newDesired, reported, version + 1, newEtag);
    }

    /** Applies reported properties as a device would send them (merge; null deletes). */
    public TwinState patchReported(ObjectNode reportedPatch, Instant now, String newEtag) {
        TwinSection newReported = reported.merge(reportedPatch, now);
        TwinRules.validateSize("properties.reported", newReported.values(), TwinRules.MAX_REPORTED_BYTES);
        return new TwinState(tags, desired, newReported, version + 1, newEtag);
    }

    private static void mergeTags(ObjectNode target, ObjectNode patch) {
        patch.fields().forEachRemaining(field -> {
            if (field.getValue().isNull()) {
                target.remove(field.getKey());
            } else if (field.getValue().isObject() && target.get(field.getKey()) instanceof ObjectNode existing) {
                mergeTags(existing, (ObjectNode) field.getValue());
            } else if (field.getValue().isObject()) {
                ObjectNode child = target.putObject(field.getKey());
                mergeTags(child, (ObjectNode) field.getValue());
            } else {
                target.set(field.getKey(), field.getValue().deepCopy());
            }
        });
    }
}
