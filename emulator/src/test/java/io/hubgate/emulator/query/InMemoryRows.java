package io.hubgate.emulator.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link RowSource} over sorted maps of test twins, one per collection. Counts the rows it
 * hands out and the JSON documents built, for the performance checks.
 */
final class InMemoryRows implements RowSource {

    private final Map<QuerySource, NavigableMap<String, QueryRow>> collections = new EnumMap<>(QuerySource.class);
    final AtomicInteger rowsRead = new AtomicInteger();
    final AtomicInteger documentsBuilt = new AtomicInteger();

    InMemoryRows() {
        for (QuerySource source : QuerySource.values()) {
            collections.put(source, new TreeMap<>());
        }
    }

    InMemoryRows device(String deviceId, String json) {
        ObjectNode document = TestTwin.parse(json);
        document.put("deviceId", deviceId);
        collections.get(QuerySource.DEVICES).put(deviceId, new TestTwin(deviceId, document, documentsBuilt));
        return this;
    }

    InMemoryRows device(String deviceId) {
        return device(deviceId, "{}");
    }

    InMemoryRows module(String deviceId, String moduleId, String json) {
        ObjectNode document = TestTwin.parse(json);
        document.put("deviceId", deviceId);
        document.put("moduleId", moduleId);
        String key = deviceId + "/" + moduleId;
        collections.get(QuerySource.MODULES).put(key, new TestTwin(key, document, documentsBuilt));
        return this;
    }

    void remove(String deviceId) {
        collections.get(QuerySource.DEVICES).remove(deviceId);
    }

    @Override
    public Iterable<QueryRow> rowsAfter(QuerySource source, String afterKeyExclusive) {
        NavigableMap<String, QueryRow> rows = collections.get(source);
        NavigableMap<String, QueryRow> tail = afterKeyExclusive == null ? rows : rows.tailMap(afterKeyExclusive, false);
        return () -> new Iterator<>() {
            private final Iterator<QueryRow> inner = tail.values().iterator();

            @Override
            public boolean hasNext() {
                return inner.hasNext();
            }

            @Override
            public QueryRow next() {
                rowsRead.incrementAndGet();
                return inner.next();
            }
        };
    }

    /** Runs a query to the end, page by page, and returns every item. */
    List<JsonNode> runAll(String query, int pageSize) throws QueryException {
        return pages(query, pageSize).stream().flatMap(page -> page.items().stream()).toList();
    }

    List<QueryPage> pages(String query, int pageSize) throws QueryException {
        TwinQuery parsed = TwinQuery.parse(query);
        QueryExecutor executor = new QueryExecutor();
        List<QueryPage> pages = new ArrayList<>();
        String token = null;
        do {
            QueryPage page = executor.execute(parsed, this, pageSize, token);
            pages.add(page);
            token = page.continuationToken();
            if (pages.size() > 10_000) {
                throw new AssertionError("paging does not terminate");
            }
        } while (token != null);
        return pages;
    }
}
