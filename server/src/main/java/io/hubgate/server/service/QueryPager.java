package io.hubgate.server.service;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubException;
import com.microsoft.azure.sdk.iot.service.query.QueryClient;
import com.microsoft.azure.sdk.iot.service.query.QueryPageOptions;
import com.microsoft.azure.sdk.iot.service.query.RawQueryResponse;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Reads IoT Hub query results one gRPC page at a time; a page token ({@link PageTokens}) carries
 * the query and the position, so a client needs nothing but the token to go on.
 *
 * <p>The SDK's response fetches the next upstream page by itself once the current one is used
 * up, and does not say where one page ends. So the position is kept as "the continuation that
 * fetched the current upstream page, and how many of its items were taken"; resuming re-fetches
 * that page and skips what was taken. Nothing is lost or repeated even when IoT Hub returns
 * short pages.
 */
final class QueryPager {

    /** Where a client is in a query. {@code upstreamToken} null: at the first upstream page. */
    record Position(String query, String upstreamToken, int skip) {
    }

    /** Raw JSON items of one page, and where the next page starts (null: no more). */
    record Page(List<JsonObject> items, Position next) {
    }

    private QueryPager() {
    }

    static Page read(QueryClient client, Position position, int pageSize) throws IOException, IotHubException {
        QueryPageOptions options = QueryPageOptions.builder().pageSize(pageSize)
                .continuationToken(position.upstreamToken()).build();
        RawQueryResponse response = client.queryRaw(QueryText.ascii(position.query()), options);
        String pageStart = position.upstreamToken();
        int taken = 0;
        List<JsonObject> items = new ArrayList<>();
        while (response.hasNext() && items.size() < pageSize) {
            String before = response.getContinuationToken();
            String item = response.next(options);
            if (!Objects.equals(before, response.getContinuationToken())) {
                pageStart = before; // the item came from a page fetched with the previous continuation
                taken = 0;
            }
            taken++;
            if (taken > position.skip() || !Objects.equals(pageStart, position.upstreamToken())) {
                items.add(JsonParser.parseString(item).getAsJsonObject());
            }
        }
        if (!response.hasNext()) {
            return new Page(items, null);
        }
        // IoT Hub never returns more than pageSize items a page: once that many are taken, the page
        // is used up and the next one starts at the response's continuation. Resuming from the
        // page's own start instead would fetch it again only to skip all of it.
        Position next = taken >= pageSize ? new Position(position.query(), response.getContinuationToken(), 0)
                : new Position(position.query(), pageStart, taken);
        return new Page(items, next);
    }

    /** The cursor a page token carries for {@code position}. */
    static PageTokens.Cursor cursor(Position position, String text) {
        return new PageTokens.Cursor(text, position.upstreamToken(), position.skip());
    }

    /** The position a page token's cursor names, for {@code query}. */
    static Position position(String query, PageTokens.Cursor cursor) {
        return new Position(query, cursor.upstream(), cursor.offset());
    }
}
