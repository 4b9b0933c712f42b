package io.hubgate.emulator.query;

/** The kinds of token the lexer produces. Keywords are identifiers; the parser tells them apart. */
enum TokenType {
    IDENTIFIER,
    NUMBER,
    STRING,
    LEFT_PAREN,
    RIGHT_PAREN,
    LEFT_BRACKET,
    RIGHT_BRACKET,
    COMMA,
    DOT,
    STAR,
    PLUS,
    MINUS,
    SLASH,
    PERCENT,
    EQUAL,
    NOT_EQUAL,
    LESS,
    LESS_OR_EQUAL,
    GREATER,
    GREATER_OR_EQUAL,
    END
}
