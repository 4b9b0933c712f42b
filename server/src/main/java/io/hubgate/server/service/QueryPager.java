package io.hubgate.server.service;

import com.google.gson.JsonObject;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.MessageLite;
import io.hubgate.server.hub.HubErrorResponse;
import io.hubgate.server.hub.rest.HubRest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Reads IoT Hub query results one gRPC page at a time, on the controlled path; a page token
 * ({@link PageTokens}) carries the query and the position, so a client needs nothing but the
 * token to go on.
 *
 * <p>The position is "the continuation that fetched the current upstream page, and how many of
 * its items were taken"; resuming re-fetches that page and skips what was taken. Nothing is lost
 * or repeated even when IoT Hub returns short pages. (Tokens minted while queries went through the
 * SDK's QueryClient name positions the same way, so they stay good.) A continuation names a place
 * in the results, not a page of a given size: the emulator's names the last key returned, and the
 * SDKs let every page ask its own size with the same continuation; so a page re-fetched with
 * another size starts with the same items.
 *
 * <p>Bounded in bytes both ways: a page ends before it would pass {@code maxBytes} of converted
 * items (so an answer never exceeds what a default gRPC client accepts, 4 MiB, whatever the twins
 * weigh: the token then continues inside the upstream page), and the upstream pages are sized by
 * what fits. The first upstream read of a page asks at most {@value #FIRST_READ_ITEMS} items
 * (IoT Hub's twins are at most 8 + 32 + 32 KB plus metadata, so an unknown fleet costs at worst
 * about 10 MB of hub text, not 1000 × that); later reads ask for as many as the bytes left hold
 * at the size seen so far, and no more than {@link #MAX_UPSTREAM_READ_BYTES} of hub text at the
 * hub's item size.
 *
 * <p>Why the controlled path rather than the SDK's QueryClient (DESIGN): the SDK hides
 * {@code Retry-After}, and queries are a per-second throttled class; and rows of
 * {@code SELECT * FROM devices} are twins, which are read by {@link TwinJson} in linear time
 * rather than the SDK's quadratic twin parsing.
 */
final class QueryPager {

    /**
     * The most a gRPC page answer may carry, token included: a quarter of a default client's
     * 4 MiB receive limit, and about what IoT Hub puts in one page of its own.
     */
    static final int MAX_PAGE_BYTES = 1024 * 1024;
    /** What the items of a page may take: the page less room for the longest page token. */
    static final int MAX_ITEM_BYTES = MAX_PAGE_BYTES - PageTokens.MAX_TOKEN_CHARS - 16;
    /** Upstream items read before their size is known: IoT Hub's own default page is 100. */
    static final int FIRST_READ_ITEMS = 100;
    /** The most hub text one upstream read should bring, once the size of its items is known. */
    static final long MAX_UPSTREAM_READ_BYTES = 4L * 1024 * 1024;
    /** IoT Hub's largest page. */
    static final int MAX_UPSTREAM_ITEMS = Validation.MAX_PAGE_SIZE;

    /** Where a client is in a query. {@code upstreamToken} null: at the first upstream page. */
    record Position(String query, String upstreamToken, int skip) {
    }

    /**
     * The items of one page, converted, where the next page starts (null: no more), and the
     * average JSON size of IoT Hub's items (0: none seen), for a caller that reads on.
     */
    record Page<M>(List<M> items, Position next, long hubItemBytes) {
    }

    private QueryPager() {
    }

    /**
     * Reads up to {@code pageSize} items from {@code position}, converted by {@code convert}, and
     * at most {@code maxBytes} of them as repeated message fields (but always at least one): the
     * upstream page its continuation names, less the items already taken from it, then further
     * upstream pages while the page is not full (IoT Hub may answer short pages).
     */
    static <M extends MessageLite> Page<M> read(HubRest hub, Position position, int pageSize, long maxBytes,
                                                Function<JsonObject, M> convert) throws IOException, HubErrorResponse {
        return read(hub, position, pageSize, maxBytes, convert, 0);
    }

    /**
     * As {@link #read(HubRest, Position, int, long, Function)}, knowing already (from the page
     * before, {@link Page#hubItemBytes()}) how large IoT Hub's items are: a stream reading on asks
     * for whole pages from its second page on.
     */
    static <M extends MessageLite> Page<M> read(HubRest hub, Position position, int pageSize, long maxBytes,
                                                Function<JsonObject, M> convert, long hubItemBytesSeen)
            throws IOException, HubErrorResponse {
        String query = QueryText.ascii(position.query());
        String pageStart = position.upstreamToken();
        int skip = position.skip();
        List<M> items = new ArrayList<>();
        long bytes = 0;
        long hubItemBytes = hubItemBytesSeen; // the JSON size of IoT Hub's items, from the first upstream read
        while (true) {
            int ask = upstreamItems(skip, pageSize - items.size(), items.size(), bytes, maxBytes, hubItemBytes);
            if (ask <= skip) {
                // No further item fits at the size seen so far: the next page starts here.
                return new Page<>(items, new Position(position.query(), pageStart, skip), hubItemBytes);
            }
            HubRest.QueryPage page = hub.query(query, ask, pageStart);
            int count = page.items().size();
            if (hubItemBytes == 0 && count > 0) {
                hubItemBytes = averageJsonBytes(page);
            }
            int taken = Math.min(skip, count);
            while (taken < count && items.size() < pageSize) {
                M item = convert.apply(page.items().get(taken).getAsJsonObject());
                long itemBytes = 1L + CodedOutputStream.computeMessageSizeNoTag(item); // a repeated field's tag, length, item
                if (!items.isEmpty() && bytes + itemBytes > maxBytes) {
                    // The page is full by bytes: the next one starts with this item.
                    return new Page<>(items, new Position(position.query(), pageStart, taken), hubItemBytes);
                }
                items.add(item);
                bytes += itemBytes;
                taken++;
            }
            if (taken < count) {
                // The gRPC page is full inside this upstream page: resume here, past what was taken.
                return new Page<>(items, new Position(position.query(), pageStart, taken), hubItemBytes);
            }
            if (page.continuation() == null) {
                return new Page<>(items, null, hubItemBytes);
            }
            if (items.size() >= pageSize) {
                // This upstream page is used up exactly: the next one starts at its continuation.
                return new Page<>(items, new Position(position.query(), page.continuation(), 0), hubItemBytes);
            }
            pageStart = page.continuation();
            skip = 0;
        }
    }

    /**
     * How many items to ask IoT Hub for: those to skip, and of the {@code wanted} ones as many as
     * the bytes left hold at the average size so far (none: the page is full), or
     * {@value #FIRST_READ_ITEMS} before any size is known.
     */
    static int upstreamItems(int skip, int wanted, int itemsSoFar, long bytesSoFar, long maxBytes, long hubItemBytes) {
        if (hubItemBytes == 0) {
            return (int) Math.min(MAX_UPSTREAM_ITEMS, skip + Math.min(wanted, FIRST_READ_ITEMS));
        }
        // Before any item of this page is converted, the hub's size stands in for the answer's.
        long itemBytes = itemsSoFar == 0 ? hubItemBytes : Math.max(1, bytesSoFar / itemsSoFar);
        long fitting = Math.max(itemsSoFar == 0 ? 1 : 0, (maxBytes - bytesSoFar) / itemBytes);
        // A listing's items may be far smaller than the hub's (a Device out of a whole twin): the
        // hub's text is bounded on its own.
        long readable = Math.max(1, MAX_UPSTREAM_READ_BYTES / hubItemBytes);
        return (int) Math.min(MAX_UPSTREAM_ITEMS, skip + Math.min(wanted, Math.min(fitting, readable)));
    }

    /** The average JSON length of a hub page's items (at least 1). */
    private static long averageJsonBytes(HubRest.QueryPage page) {
        long total = 0;
        for (var item : page.items()) {
            total += item.toString().length();
        }
        return Math.max(1, total / page.items().size());
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
