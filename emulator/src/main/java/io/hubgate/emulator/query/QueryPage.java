package io.hubgate.emulator.query;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * One page of query results.
 *
 * @param items the page's JSON items
 * @param continuationToken null on the last page (the HTTP layer then omits the
 *     {@code x-ms-continuation} header; SDKs treat any value, even "", as "more pages")
 * @param itemType "twin" for {@code SELECT *}, "raw" for projections and aggregates
 */
public record QueryPage(List<JsonNode> items, String continuationToken, String itemType) {

    public QueryPage {
        items = List.copyOf(items);
    }
}
