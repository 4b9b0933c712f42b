package io.hubgate.emulator.query;

/**
 * A query the hub refuses: bad syntax, an unsupported feature, or a continuation token that is
 * malformed or belongs to another query. The message is precise and user-facing; it is meant to
 * be returned to the caller as is, so it never carries internal details.
 */
public final class QueryException extends Exception {

    private static final long serialVersionUID = 1L;

    public QueryException(String message) {
        super(message);
    }

    public QueryException(String message, Throwable cause) {
        super(message, cause);
    }

    /** A syntax error at a 1-based character position of the query text. */
    static QueryException syntax(int position, String detail) {
        return new QueryException("Syntax error at position " + position + ": " + detail);
    }

    /** A well-formed query that uses something the language does not allow. */
    static QueryException invalid(String detail) {
        return new QueryException("The query is invalid: " + detail);
    }
}
