package io.hubgate.emulator.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * One queryable document: a device twin or a module twin. The store implements it; the query
 * engine only reads through it, so that a selective WHERE never has to build a twin's JSON.
 */
public interface QueryRow {

    /**
     * Resolves a dotted path (already split into segments, as written in the query, e.g.
     * {@code ["properties","reported","temp"]}) against the twin. The first segment (the root
     * property) matches case-insensitively; deeper segments are case-sensitive.
     *
     * @return Java {@code null} when the path is undefined; a JSON null value is a
     *     {@code NullNode}
     */
    JsonNode resolve(List<String> path);

    /** The full twin document, as returned for {@code SELECT *}. */
    ObjectNode toJson();

    /** Stable, opaque paging key of this row; rows are supplied in ascending order of this key. */
    String key();
}
