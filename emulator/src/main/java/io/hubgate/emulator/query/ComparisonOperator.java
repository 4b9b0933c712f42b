package io.hubgate.emulator.query;

/** The comparison operators; {@code <>} is parsed as {@link #NOT_EQUAL}. */
enum ComparisonOperator {
    EQUAL,
    NOT_EQUAL,
    LESS,
    LESS_OR_EQUAL,
    GREATER,
    GREATER_OR_EQUAL;

    static ComparisonOperator of(TokenType type) {
        return switch (type) {
            case EQUAL -> EQUAL;
            case NOT_EQUAL -> NOT_EQUAL;
            case LESS -> LESS;
            case LESS_OR_EQUAL -> LESS_OR_EQUAL;
            case GREATER -> GREATER;
            case GREATER_OR_EQUAL -> GREATER_OR_EQUAL;
            default -> null;
        };
    }
}
