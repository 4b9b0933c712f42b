package io.hubgate.emulator.query;

/**
 * Supplies rows in ascending key order, resuming strictly after a key. This is what lets the
 * executor page by key (stable under concurrent inserts and deletes) instead of by offset.
 */
@FunctionalInterface
public interface RowSource {

    /**
     * @param source which collection the query reads
     * @param afterKeyExclusive null = from the beginning; otherwise a key previously returned by
     *     {@link QueryRow#key()} (the row may since have been deleted: resume after where it
     *     would be)
     */
    Iterable<QueryRow> rowsAfter(QuerySource source, String afterKeyExclusive);
}
