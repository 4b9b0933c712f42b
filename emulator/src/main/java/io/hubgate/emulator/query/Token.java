package io.hubgate.emulator.query;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One lexical token.
 *
 * @param type what kind of token
 * @param text the text as written (for error messages and identifiers)
 * @param position 1-based character position in the query text, as error messages report it
 * @param value the literal value of a NUMBER or STRING token; null otherwise
 */
record Token(TokenType type, String text, int position, JsonNode value) {

    boolean isKeyword(String keyword) {
        return type == TokenType.IDENTIFIER && text.equalsIgnoreCase(keyword);
    }

    /** How error messages name this token. */
    String describe() {
        return type == TokenType.END ? "end of query" : "'" + text + "'";
    }
}
