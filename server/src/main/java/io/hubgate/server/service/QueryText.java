package io.hubgate.server.service;

/**
 * Query text is UTF-8, but the official Java SDK refuses every query whose UTF-8 length differs
 * from its length in chars ({@code ParserUtility.validateStringUTF8}, in effect an ASCII check),
 * with an IllegalArgumentException that surfaced as INTERNAL. IoT Hub's query language escapes
 * any character in a string literal as {@code \}{@code uXXXX}, so the gateway sends non-ASCII
 * characters of literals that way: the same query, in ASCII. Outside literals (a property name
 * such as {@code tags.städte}) there is no escape, and such a query is refused as invalid
 * rather than sent mangled.
 *
 * <p>Literals are {@code '…'} or {@code "…"}, with backslash escapes, as in IoT Hub's grammar.
 * Stateless.
 */
final class QueryText {

    private QueryText() {
    }

    /**
     * Where the query has a non-ASCII character the SDK cannot send (outside a string literal,
     * or right after a backslash), as a message for a field violation; null when there is none.
     */
    static String unsendable(String query) {
        char quote = 0;
        for (int i = 0; i < query.length(); i++) {
            char c = query.charAt(i);
            if (quote == 0) {
                if (c == '\'' || c == '"') {
                    quote = c;
                } else if (c > 0x7F) {
                    return "non-ASCII characters may appear only inside string literals ('…' or \"…\"); found "
                            + Validation.describe(c) + " at position " + i;
                }
            } else if (c == '\\') {
                if (i + 1 < query.length() && query.charAt(i + 1) > 0x7F) {
                    return "a backslash escape cannot apply to the non-ASCII character at position " + (i + 1);
                }
                i++;
            } else if (c == quote) {
                quote = 0;
            }
        }
        return null;
    }

    /** The query with every non-ASCII character of its string literals written as a \\uXXXX escape. */
    static String ascii(String query) {
        int first = 0;
        while (first < query.length() && query.charAt(first) <= 0x7F) {
            first++;
        }
        if (first == query.length()) {
            return query; // the common case: nothing to rewrite
        }
        StringBuilder out = new StringBuilder(query.length() + 32);
        for (int i = 0; i < query.length(); i++) {
            char c = query.charAt(i);
            if (c > 0x7F) {
                out.append(String.format("\\u%04X", (int) c)); // UTF-16 code units: a surrogate pair becomes two escapes
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
