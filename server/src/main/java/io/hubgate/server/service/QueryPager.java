package io.hubgate.server.service;

import com.google.gson.JsonObject;
import io.hubgate.server.hub.HubErrorResponse;
import io.hubgate.server.hub.rest.HubRest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads IoT Hub query results one gRPC page at a time, on the controlled path; a page token
 * ({@link PageTokens}) carries the query and the position, so a client needs nothing but the
 * token to go on.
 *
 * <p>The position is "the continuation that fetched the current upstream page, and how many of
 * its items were taken"; resuming re-fetches that page and skips what was taken. Nothing is lost
 * or repeated even when IoT Hub returns short pages. (Tokens minted while queries went through the
 * SDK's QueryClient name positions the same way, so they stay good.)
 *
 * <p>Why the controlled path rather than the SDK's QueryClient (DESIGN): the SDK hides
 * {@code Retry-After}, and queries are a per-second throttled class; and rows of
 * {@code SELECT * FROM devices} are twins, which are read by {@link TwinJson} in linear time
 * rather than the SDK's quadratic twin parsing.
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

    /**
     * Reads up to {@code pageSize} items from {@code position}: the upstream page its continuation
     * names, less the items already taken from it, then further upstream pages while the page is
     * not full (IoT Hub may answer short pages).
     */
    static Page read(HubRest hub, Position position, int pageSize) throws IOException, HubErrorResponse {
        String query = QueryText.ascii(position.query());
        String pageStart = position.upstreamToken();
        int skip = position.skip();
        List<JsonObject> items = new ArrayList<>();
        while (true) {
            HubRest.QueryPage page = hub.query(query, pageSize, pageStart);
            int count = page.items().size();
            int taken = Math.min(skip, count);
            while (taken < count && items.size() < pageSize) {
                items.add(page.items().get(taken++).getAsJsonObject());
            }
            if (taken < count) {
                // The gRPC page is full inside this upstream page: resume here, past what was taken.
                return new Page(items, new Position(position.query(), pageStart, taken));
            }
            if (page.continuation() == null) {
                return new Page(items, null);
            }
            if (items.size() >= pageSize) {
                // This upstream page is used up exactly: the next one starts at its continuation.
                return new Page(items, new Position(position.query(), page.continuation(), 0));
            }
            pageStart = page.continuation();
            skip = 0;
        }
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
