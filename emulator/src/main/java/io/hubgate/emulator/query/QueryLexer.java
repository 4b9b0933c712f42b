package io.hubgate.emulator.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits query text into tokens with their positions and decodes string and number literals.
 * It knows nothing about the grammar: keywords come out as identifiers.
 */
final class QueryLexer {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final String text;
    private int index;

    private QueryLexer(String text) {
        this.text = text;
    }

    static List<Token> tokenize(String text) throws QueryException {
        return new QueryLexer(text).run();
    }

    private List<Token> run() throws QueryException {
        List<Token> tokens = new ArrayList<>();
        while (true) {
            skipWhitespace();
            if (index >= text.length()) {
                tokens.add(new Token(TokenType.END, "", index + 1, null));
                return tokens;
            }
            tokens.add(next());
        }
    }

    private void skipWhitespace() {
        while (index < text.length() && Character.isWhitespace(text.charAt(index))) {
            index++;
        }
    }

    private Token next() throws QueryException {
        int start = index;
        char c = text.charAt(index);
        if (isIdentifierStart(c)) {
            return identifier(start);
        }
        if (isDigit(c)) {
            return number(start);
        }
        if (c == '\'' || c == '"') {
            return string(start, c);
        }
        return symbol(start, c);
    }

    private Token identifier(int start) {
        while (index < text.length() && isIdentifierPart(text.charAt(index))) {
            index++;
        }
        return new Token(TokenType.IDENTIFIER, text.substring(start, index), start + 1, null);
    }

    private Token number(int start) throws QueryException {
        if (text.startsWith("0x", start) || text.startsWith("0X", start)) {
            return hexNumber(start);
        }
        boolean integral = true;
        digits();
        if (peek() == '.' && isDigit(peek(1))) {
            integral = false;
            index++;
            digits();
        }
        if (peek() == 'e' || peek() == 'E') {
            int exponentStart = index;
            index++;
            if (peek() == '+' || peek() == '-') {
                index++;
            }
            if (!isDigit(peek())) {
                throw QueryException.syntax(exponentStart + 1, "malformed number exponent in '"
                        + text.substring(start, index) + "'");
            }
            integral = false;
            digits();
        }
        rejectGlued(start);
        String literal = text.substring(start, index);
        return new Token(TokenType.NUMBER, literal, start + 1, decimalValue(literal, integral, start));
    }

    private JsonNode decimalValue(String literal, boolean integral, int start) throws QueryException {
        if (integral) {
            try {
                return Values.number(Long.parseLong(literal));
            } catch (NumberFormatException tooLong) {
                // Falls through: an integer beyond long range is still a valid (double) number.
            }
        }
        double value = Double.parseDouble(literal);
        if (Double.isInfinite(value)) {
            throw QueryException.syntax(start + 1, "number " + literal + " is out of range");
        }
        return Values.number(value);
    }

    private Token hexNumber(int start) throws QueryException {
        index += 2;
        int digitsStart = index;
        while (index < text.length() && Character.digit(text.charAt(index), 16) >= 0) {
            index++;
        }
        String hex = text.substring(digitsStart, index);
        if (hex.isEmpty() || hex.length() > 15) {
            throw QueryException.syntax(start + 1, "invalid hexadecimal number '"
                    + text.substring(start, index) + "'");
        }
        rejectGlued(start);
        return new Token(TokenType.NUMBER, text.substring(start, index), start + 1,
                Values.number(Long.parseLong(hex, 16)));
    }

    /** "12abc" is one bad token, not the number 12 followed by the identifier abc. */
    private void rejectGlued(int start) throws QueryException {
        if (index < text.length() && isIdentifierPart(text.charAt(index))) {
            int end = index;
            while (end < text.length() && isIdentifierPart(text.charAt(end))) {
                end++;
            }
            throw QueryException.syntax(start + 1, "invalid number '" + text.substring(start, end) + "'");
        }
    }

    private void digits() {
        while (isDigit(peek())) {
            index++;
        }
    }

    private Token string(int start, char quote) throws QueryException {
        StringBuilder value = new StringBuilder();
        index++;
        while (true) {
            if (index >= text.length()) {
                throw QueryException.syntax(start + 1, "unterminated string literal");
            }
            char c = text.charAt(index++);
            if (c == quote) {
                break;
            }
            if (c == '\\') {
                value.append(escape());
            } else {
                value.append(c);
            }
        }
        return new Token(TokenType.STRING, text.substring(start, index), start + 1, JSON.textNode(value.toString()));
    }

    private char escape() throws QueryException {
        int escapeStart = index - 1;
        if (index >= text.length()) {
            throw QueryException.syntax(escapeStart + 1, "unterminated string literal");
        }
        char c = text.charAt(index++);
        switch (c) {
            case '\'': return '\'';
            case '"': return '"';
            case '\\': return '\\';
            case '/': return '/';
            case 'b': return '\b';
            case 'f': return '\f';
            case 'n': return '\n';
            case 'r': return '\r';
            case 't': return '\t';
            case 'u': return unicodeEscape(escapeStart);
            default:
                throw QueryException.syntax(escapeStart + 1, "invalid escape sequence '\\" + c + "'");
        }
    }

    private char unicodeEscape(int escapeStart) throws QueryException {
        int code = 0;
        for (int i = 0; i < 4; i++) {
            int digit = index < text.length() ? Character.digit(text.charAt(index), 16) : -1;
            if (digit < 0) {
                throw QueryException.syntax(escapeStart + 1, "invalid unicode escape, expected four hex digits after \\u");
            }
            code = code * 16 + digit;
            index++;
        }
        return (char) code;
    }

    private Token symbol(int start, char c) throws QueryException {
        index++;
        TokenType type = switch (c) {
            case '(' -> TokenType.LEFT_PAREN;
            case ')' -> TokenType.RIGHT_PAREN;
            case '[' -> TokenType.LEFT_BRACKET;
            case ']' -> TokenType.RIGHT_BRACKET;
            case ',' -> TokenType.COMMA;
            case '.' -> TokenType.DOT;
            case '*' -> TokenType.STAR;
            case '+' -> TokenType.PLUS;
            case '-' -> TokenType.MINUS;
            case '/' -> TokenType.SLASH;
            case '%' -> TokenType.PERCENT;
            case '=' -> TokenType.EQUAL;
            case '!' -> followedBy('=') ? TokenType.NOT_EQUAL : null;
            case '<' -> followedBy('=') ? TokenType.LESS_OR_EQUAL
                    : followedBy('>') ? TokenType.NOT_EQUAL : TokenType.LESS;
            case '>' -> followedBy('=') ? TokenType.GREATER_OR_EQUAL : TokenType.GREATER;
            default -> null;
        };
        if (type == null) {
            throw QueryException.syntax(start + 1, "unexpected character '" + c + "'");
        }
        return new Token(type, text.substring(start, index), start + 1, null);
    }

    private boolean followedBy(char expected) {
        if (peek() == expected) {
            index++;
            return true;
        }
        return false;
    }

    private char peek() {
        return peek(0);
    }

    private char peek(int ahead) {
        int at = index + ahead;
        return at < text.length() ? text.charAt(at) : '\0';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    // '$' starts system property names such as $version and $metadata.
    private static boolean isIdentifierStart(char c) {
        return Character.isLetter(c) || c == '_' || c == '$';
    }

    private static boolean isIdentifierPart(char c) {
        return isIdentifierStart(c) || isDigit(c);
    }
}
