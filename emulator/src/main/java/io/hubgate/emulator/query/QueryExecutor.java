package io.hubgate.emulator.query;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * Runs a parsed query one page at a time. Stateless and thread-safe: all paging state lives in
 * the continuation token, so any instance can serve any page.
 *
 * <p>Row queries page by key: each page resumes strictly after the last row returned, which
 * stays correct while twins are added and removed between pages, and reads only as many rows as
 * it needs (plus one look-ahead match). Aggregate queries must see every row anyway, so each page
 * recomputes the groups and slices them by offset.
 *
 * <p>It never returns a continuation token unless another item exists: SDKs take any token as
 * "more pages", and some fail on an empty page.
 */
public final class QueryExecutor {

    /** Page-size bounds of IoT Hub's {@code x-ms-max-item-count}; the caller clamps, this is a safety net. */
    static final int MIN_PAGE_SIZE = 1;
    public static final int MAX_PAGE_SIZE = 1000;

    private static final String TWIN_ITEMS = "twin";
    private static final String DEVICE_JOB_ITEMS = "deviceJob";
    private static final String RAW_ITEMS = "raw";

    /**
     * Returns one page.
     *
     * @param continuationToken null (or empty) for the first page, else the token of the previous page
     * @throws QueryException if the continuation token is malformed or belongs to another query
     */
    public QueryPage execute(TwinQuery query, RowSource rows, int pageSize, String continuationToken)
            throws QueryException {
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(rows, "rows");
        int size = Math.max(MIN_PAGE_SIZE, Math.min(MAX_PAGE_SIZE, pageSize));
        ContinuationToken position = ContinuationToken.decode(continuationToken, query);
        long returned = position == null ? 0 : position.returned();
        return query.isAggregate()
                ? aggregatePage(query, rows, size, returned)
                : rowPage(query, rows, size, position == null ? null : position.afterKey(), returned);
    }

    private static QueryPage rowPage(TwinQuery query, RowSource rows, int pageSize, String afterKey, long returned) {
        String itemType = query.source() == QuerySource.JOBS ? DEVICE_JOB_ITEMS
                : query.selectsWholeTwins() ? TWIN_ITEMS : RAW_ITEMS;
        long budget = Math.min(pageSize, query.top() - returned);
        List<JsonNode> items = new ArrayList<>();
        String lastKey = afterKey;
        Iterator<QueryRow> iterator = rows.rowsAfter(query.source(), afterKey).iterator();
        while (items.size() < budget && iterator.hasNext()) {
            QueryRow row = iterator.next();
            if (matches(query, row)) {
                items.add(query.selectsWholeTwins() ? row.toJson() : Projection.of(query.items(), row));
                lastKey = row.key();
            }
        }
        long total = returned + items.size();
        boolean more = items.size() == budget && total < query.top() && anotherMatch(query, iterator);
        String token = more ? new ContinuationToken(lastKey, total).encode(query) : null;
        return new QueryPage(items, token, itemType);
    }

    /** Look-ahead: evaluates WHERE only, so the extra row costs no JSON. */
    private static boolean anotherMatch(TwinQuery query, Iterator<QueryRow> iterator) {
        while (iterator.hasNext()) {
            if (matches(query, iterator.next())) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(TwinQuery query, QueryRow row) {
        return query.where() == null || Values.isTrue(query.where().evaluate(row));
    }

    private static QueryPage aggregatePage(TwinQuery query, RowSource rows, int pageSize, long returned) {
        List<JsonNode> all = GroupedAggregation.compute(query, rows);
        long end = Math.min(all.size(), query.top());
        int from = (int) Math.min(returned, end);
        int to = (int) Math.min(end, from + (long) pageSize);
        String token = to < end ? new ContinuationToken(null, to).encode(query) : null;
        return new QueryPage(all.subList(from, to), token, RAW_ITEMS);
    }
}
