package io.hubgate.server.service;

import com.google.gson.JsonObject;
import io.hubgate.api.v1.QueryResult;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Turns raw query items into results: whole twins for {@code SELECT *} queries, rows (Structs)
 * for projections and aggregates. The kind is decided from the query text, not guessed per item.
 */
final class QueryResults {

    /** SELECT [TOP n] * FROM … */
    private static final Pattern SELECT_STAR = Pattern.compile("^\\s*select\\s+(top\\s+\\d+\\s+)?\\*\\s+from\\b.*",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    static final int MAX_QUERY_LENGTH = 8192;

    private QueryResults() {
    }

    static boolean selectsTwins(String query) {
        return SELECT_STAR.matcher(query).matches();
    }

    static QueryResult of(JsonObject item, boolean twins) {
        if (twins) {
            return QueryResult.newBuilder().setTwin(TwinJson.read(item.toString())).build();
        }
        return QueryResult.newBuilder().setRow(StructConverter.fromGson(item).getStructValue()).build();
    }

    /** Validates query text (when no page token carries it). */
    static void checkQuery(Validation validation, String field, String query) {
        if (query == null || query.isBlank()) {
            validation.add(field, "the query is required, e.g. SELECT * FROM devices");
        } else if (query.length() > MAX_QUERY_LENGTH) {
            validation.add(field, "the query is " + query.length() + " characters long; at most " + MAX_QUERY_LENGTH
                    + " are allowed");
        } else if (!query.toLowerCase(Locale.ROOT).contains("select") || !query.toLowerCase(Locale.ROOT).contains("from")) {
            validation.add(field, "an IoT Hub query has the form SELECT … FROM devices|devices.modules …");
        } else {
            String unsendable = QueryText.unsendable(query);
            if (unsendable != null) {
                validation.add(field, unsendable);
            }
        }
    }
}
