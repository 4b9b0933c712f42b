package io.hubgate.emulator.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link QueryRow} over an ObjectNode, resolving the root property case-insensitively as the
 * store does. Counts {@link #toJson()} calls so tests can check that filtering does not build JSON.
 */
final class TestTwin implements QueryRow {

    static final ObjectMapper JSON = new ObjectMapper();

    private final String key;
    private final ObjectNode document;
    private final AtomicInteger toJsonCalls;

    TestTwin(String key, ObjectNode document, AtomicInteger toJsonCalls) {
        this.key = key;
        this.document = document;
        this.toJsonCalls = toJsonCalls;
    }

    /** A twin from JSON text; single quotes are accepted to keep test sources readable. */
    static TestTwin of(String key, String json) {
        return new TestTwin(key, parse(json), new AtomicInteger());
    }

    static ObjectNode parse(String json) {
        try {
            return (ObjectNode) JSON.readTree(json.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException("bad test JSON: " + json, e);
        }
    }

    @Override
    public JsonNode resolve(List<String> path) {
        JsonNode current = root(path.get(0));
        for (int i = 1; i < path.size() && current != null; i++) {
            current = current.isObject() ? current.get(path.get(i)) : null;
        }
        return current;
    }

    private JsonNode root(String name) {
        for (Iterator<Map.Entry<String, JsonNode>> fields = document.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (field.getKey().equalsIgnoreCase(name)) {
                return field.getValue();
            }
        }
        return null;
    }

    @Override
    public ObjectNode toJson() {
        toJsonCalls.incrementAndGet();
        return document.deepCopy();
    }

    @Override
    public String key() {
        return key;
    }
}
