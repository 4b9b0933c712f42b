package io.hubgate.emulator.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.hubgate.emulator.http.HubErrorCode;
import io.hubgate.emulator.http.HubException;
import io.hubgate.emulator.http.HubRequest;
import io.hubgate.emulator.http.HubResponse;
import io.hubgate.emulator.http.RouteTable.PathParameters;
import io.hubgate.emulator.json.Json;
import io.hubgate.emulator.query.QueryException;
import io.hubgate.emulator.query.QueryExecutor;
import io.hubgate.emulator.query.QueryPage;
import io.hubgate.emulator.query.QueryRow;
import io.hubgate.emulator.query.QuerySource;
import io.hubgate.emulator.query.RowSource;
import io.hubgate.emulator.query.TwinQuery;
import io.hubgate.emulator.store.DeviceStore;

/**
 * {@code POST /devices/query}: runs an IoT Hub query one page at a time. The page size comes
 * from {@code x-ms-max-item-count}, the position from {@code x-ms-continuation}; the
 * continuation header is left out on the last page, because the SDKs read any value, even an
 * empty one, as "there is more".
 */
public final class QueryApi {

    /** The service returns at most 1000 items a page. */
    public static final int MAX_PAGE_SIZE = QueryExecutor.MAX_PAGE_SIZE;
    /** Items a page when the client does not say (the service's default is undocumented; Java always sends 50). */
    public static final int DEFAULT_PAGE_SIZE = 100;
    /** Query text is at most 8 KB. */
    public static final int MAX_QUERY_LENGTH = TwinQuery.MAX_TEXT_LENGTH;

    private final QueryExecutor executor = new QueryExecutor();
    private final TwinRows twins;
    private final RowSource rows;

    /** @param jobRows the {@code devices.jobs} collection */
    public QueryApi(DeviceStore store, RowSource jobRows) {
        this.twins = new TwinRows(store);
        this.rows = (source, after) -> source == QuerySource.JOBS ? jobRows.rowsAfter(source, after)
                : twins.rowsAfter(source, after);
    }

    /** The ids of the devices whose twins match a query's WHERE clause now, in id order (a job's targets). */
    public java.util.List<String> deviceIds(TwinQuery condition) {
        java.util.List<String> ids = new java.util.ArrayList<>();
        for (QueryRow row : twins.rowsAfter(QuerySource.DEVICES, null)) {
            if (condition.matches(row)) {
                ids.add(row.key());
            }
        }
        return ids;
    }

    HubResponse query(HubRequest request, PathParameters path) {
        JsonNode body = request.jsonObjectBody();
        JsonNode text = body.get("query");
        if (text == null || text.isNull()) {
            throw new HubException(HubErrorCode.ARGUMENT_NULL, "The request body has no 'query'");
        }
        if (!text.isTextual() || text.textValue().isBlank()) {
            throw HubException.argumentInvalid("'query' must be a non-empty string");
        }
        if (text.textValue().length() > MAX_QUERY_LENGTH) {
            throw HubException.argumentInvalid("The query is " + text.textValue().length() + " characters long; at most "
                    + MAX_QUERY_LENGTH + " are allowed");
        }
        int pageSize = pageSize(request.header("x-ms-max-item-count"));
        String continuation = request.header("x-ms-continuation");
        QueryPage page;
        try {
            TwinQuery query = TwinQuery.parse(text.textValue());
            page = executor.execute(query, rows, pageSize, continuation == null || continuation.isEmpty() ? null : continuation);
        } catch (QueryException refused) {
            throw HubException.argumentInvalid(refused.getMessage());
        }
        ArrayNode items = Json.MAPPER.createArrayNode();
        page.items().forEach(items::add);
        HubResponse response = HubResponse.ok(items).header("x-ms-item-type", page.itemType());
        if (page.continuationToken() != null) {
            response.header("x-ms-continuation", page.continuationToken());
        }
        return response;
    }

    /**
     * The page size an {@code x-ms-max-item-count} header asks for, at most {@link #MAX_PAGE_SIZE};
     * {@link #DEFAULT_PAGE_SIZE} without one. Listings that page like queries share it.
     */
    public static int pageSize(String header) {
        if (header == null || header.isBlank()) {
            return DEFAULT_PAGE_SIZE;
        }
        try {
            int requested = Integer.parseInt(header.trim());
            if (requested < 1) {
                throw HubException.argumentInvalid("x-ms-max-item-count must be at least 1, not " + requested);
            }
            return Math.min(requested, MAX_PAGE_SIZE);
        } catch (NumberFormatException e) {
            throw HubException.argumentInvalid("x-ms-max-item-count must be a whole number, not '" + header + "'");
        }
    }
}
