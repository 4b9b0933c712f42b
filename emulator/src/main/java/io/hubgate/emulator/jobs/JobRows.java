package io.hubgate.emulator.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubgate.emulator.query.QueryRow;
import io.hubgate.emulator.query.QuerySource;
import io.hubgate.emulator.query.RowSource;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The {@code devices.jobs} collection for the query engine: every device entry of every job,
 * keyed {@code jobId/deviceId}, as the items the service returns. A root property (jobId,
 * status …) matches case-insensitively, deeper segments exactly, as in twin queries.
 */
public final class JobRows implements RowSource {

    private final JobStore store;

    public JobRows(JobStore store) {
        this.store = store;
    }

    @Override
    public Iterable<QueryRow> rowsAfter(QuerySource source, String afterKeyExclusive) {
        if (source != QuerySource.JOBS) {
            throw new IllegalArgumentException("job rows serve devices.jobs, not " + source);
        }
        return () -> {
            Iterator<DeviceJob> entries = store.deviceJobsAfter(afterKeyExclusive).iterator();
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return entries.hasNext();
                }

                @Override
                public QueryRow next() {
                    return new EntryRow(entries.next());
                }
            };
        };
    }

    private static final class EntryRow implements QueryRow {
        private final DeviceJob entry;
        private ObjectNode json;

        EntryRow(DeviceJob entry) {
            this.entry = entry;
        }

        @Override
        public JsonNode resolve(List<String> path) {
            if (path.isEmpty()) {
                return null;
            }
            JsonNode node = null;
            for (Iterator<Map.Entry<String, JsonNode>> fields = toJson().fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (field.getKey().equalsIgnoreCase(path.get(0))) {
                    node = field.getValue();
                    break;
                }
            }
            for (int i = 1; i < path.size() && node != null; i++) {
                node = node.isObject() ? node.get(path.get(i)) : null;
            }
            return node;
        }

        @Override
        public ObjectNode toJson() {
            if (json == null) {
                json = JobJson.deviceJob(entry);
            }
            return json;
        }

        @Override
        public String key() {
            return entry.key();
        }
    }
}
