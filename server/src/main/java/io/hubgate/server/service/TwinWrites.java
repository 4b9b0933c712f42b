package io.hubgate.server.service;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.hubgate.api.v1.Twin;

import java.util.Map;

/**
 * Whether a twin read from the hub carries what a twin write sent: evidence that a conditional
 * write whose answer was lost took effect. A merge is carried when every value it set is there
 * and every key it deleted (null) is gone; a replace when the sections equal what it sent, its
 * null values left out.
 * It cannot tell this call's write from another writer's identical one, and it does not look at
 * versions or etags (the caller of {@link #carries} does).
 */
final class TwinWrites {

    private TwinWrites() {
    }

    /** @param tags and {@code desired}: the sections sent, null for a section not sent */
    static boolean carries(Twin found, Struct tags, Struct desired, boolean replace) {
        return section(found.getTags(), tags, replace) && section(found.getDesired().getProperties(), desired, replace);
    }

    private static boolean section(Struct found, Struct sent, boolean replace) {
        if (sent == null) {
            return true;
        }
        return replace ? found.equals(withoutNulls(sent)) : merged(found, sent);
    }

    /**
     * A replacement as the hub keeps it: the write sends null values as they are, but a twin read
     * back never holds a null-valued key.
     */
    private static Struct withoutNulls(Struct sent) {
        Struct.Builder kept = Struct.newBuilder();
        sent.getFieldsMap().forEach((key, value) -> {
            if (value.hasStructValue()) {
                kept.putFields(key, Value.newBuilder().setStructValue(withoutNulls(value.getStructValue())).build());
            } else if (!value.hasNullValue()) {
                kept.putFields(key, value);
            }
        });
        return kept.build();
    }

    private static boolean merged(Struct found, Struct patch) {
        for (Map.Entry<String, Value> field : patch.getFieldsMap().entrySet()) {
            Value sent = field.getValue();
            Value there = found.getFieldsMap().get(field.getKey());
            boolean carried = switch (sent.getKindCase()) {
                case NULL_VALUE -> there == null;
                case STRUCT_VALUE -> there != null && there.hasStructValue() && merged(there.getStructValue(), sent.getStructValue());
                default -> sent.equals(there);
            };
            if (!carried) {
                return false;
            }
        }
        return true;
    }
}
