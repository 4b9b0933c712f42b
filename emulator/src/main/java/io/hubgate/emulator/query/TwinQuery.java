package io.hubgate.emulator.query;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * A parsed twin query: immutable, thread-safe and reusable. It holds the syntax tree the executor
 * evaluates; it does not run anything itself.
 */
public final class TwinQuery {

    /** Longest query text IoT Hub accepts, in characters. */
    public static final int MAX_TEXT_LENGTH = 8192;

    /** Value of {@link #top()} when the query has no TOP clause. */
    static final long NO_TOP = Long.MAX_VALUE;

    private final String text;
    private final QuerySource source;
    private final long top;
    private final boolean selectAll;
    private final List<SelectItem> items;
    private final Expression where;
    private final List<Expression> groupBy;
    private final String fingerprint;

    TwinQuery(String text, QuerySource source, long top, boolean selectAll, List<SelectItem> items,
            Expression where, List<Expression> groupBy) {
        this.text = text;
        this.source = source;
        this.top = top;
        this.selectAll = selectAll;
        this.items = List.copyOf(items);
        this.where = where;
        this.groupBy = List.copyOf(groupBy);
        this.fingerprint = fingerprintOf(text);
    }

    /**
     * Parses query text.
     *
     * @throws QueryException if the text is empty, longer than {@value #MAX_TEXT_LENGTH}
     *     characters, malformed, or uses something the language does not support
     */
    public static TwinQuery parse(String text) throws QueryException {
        return QueryParser.parse(text);
    }

    /**
     * Parses a scheduled job's query condition ({@code tags.site = 'x'}, or {@code *} for every
     * device) into a {@code SELECT * FROM devices} query.
     *
     * @throws QueryException if the condition is empty, malformed or more than a condition
     */
    public static TwinQuery parseCondition(String condition) throws QueryException {
        return QueryParser.parseCondition(condition);
    }

    /** Whether a row passes the WHERE clause. */
    public boolean matches(QueryRow row) {
        return where == null || Values.isTrue(where.evaluate(row));
    }

    public QuerySource source() {
        return source;
    }

    /** The query text exactly as given. */
    public String text() {
        return text;
    }

    /** True for {@code SELECT *}: items are whole twins rather than projections. */
    public boolean selectsWholeTwins() {
        return selectAll;
    }

    /** True when the query computes aggregates or groups, so it has to see every row. */
    public boolean isAggregate() {
        return !groupBy.isEmpty() || items.stream().anyMatch(SelectItem::isAggregate);
    }

    long top() {
        return top;
    }

    List<SelectItem> items() {
        return items;
    }

    /** The WHERE condition, or null without a WHERE clause. */
    Expression where() {
        return where;
    }

    List<Expression> groupBy() {
        return groupBy;
    }

    /** Identifies the query text in continuation tokens; a token from another query will not match. */
    String fingerprint() {
        return fingerprint;
    }

    @Override
    public String toString() {
        return text;
    }

    private static String fingerprintOf(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            // 12 bytes are plenty to tell queries apart; it is a mix-up check, not a security feature.
            return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 12));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
    }
}
