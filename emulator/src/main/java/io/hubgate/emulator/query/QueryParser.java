package io.hubgate.emulator.query;

import com.fasterxml.jackson.databind.node.NullNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Recursive-descent parser from tokens to a syntax tree. It checks syntax only; what the parsed
 * pieces may mean together (aggregates, grouping, output names) is {@link QueryAssembler}'s job.
 *
 * <p>Precedence, loosest first: OR, AND, NOT, comparisons and IN/NIN, {@code + -},
 * {@code * / %}, unary minus.
 */
final class QueryParser {

    /** Parentheses, NOT and unary minus recurse; this bound keeps hostile input from overflowing the stack. */
    private static final int MAX_NESTING = 100;

    private static final Set<String> RESERVED = Set.of(
            "SELECT", "TOP", "FROM", "WHERE", "GROUP", "ORDER", "BY", "AS", "AND", "OR", "NOT", "IN", "NIN");

    private final List<Token> tokens;
    private int index;
    private int nesting;

    private QueryParser(List<Token> tokens) {
        this.tokens = tokens;
    }

    static TwinQuery parse(String text) throws QueryException {
        if (text == null || text.isBlank()) {
            throw new QueryException("The query text is empty");
        }
        if (text.length() > TwinQuery.MAX_TEXT_LENGTH) {
            throw new QueryException("The query text is " + text.length() + " characters long; the limit is "
                    + TwinQuery.MAX_TEXT_LENGTH);
        }
        return new QueryParser(QueryLexer.tokenize(text)).query(text);
    }

    /**
     * Parses a scheduled job's query condition: the WHERE part of a query over {@code devices},
     * or {@code *} for every device. Anything but one expression (a SELECT, a FROM, a GROUP BY)
     * is a syntax error, so a condition can never widen into another query.
     */
    static TwinQuery parseCondition(String condition) throws QueryException {
        if (condition == null || condition.isBlank()) {
            throw new QueryException("The query condition is empty");
        }
        String text = condition.strip().equals("*") ? "SELECT * FROM devices" : "SELECT * FROM devices WHERE " + condition;
        if (text.length() > TwinQuery.MAX_TEXT_LENGTH) {
            throw new QueryException("The query condition is " + condition.length() + " characters long; the query it "
                    + "makes is limited to " + TwinQuery.MAX_TEXT_LENGTH);
        }
        if (condition.strip().equals("*")) {
            return new QueryAssembler(text, QuerySource.DEVICES, TwinQuery.NO_TOP, true, List.of(), null, List.of())
                    .assemble();
        }
        QueryParser parser = new QueryParser(QueryLexer.tokenize(condition));
        Expression where = parser.expression();
        if (parser.peek().type() != TokenType.END) {
            throw parser.unexpected("end of the query condition (it is only the WHERE part of a query)");
        }
        return new QueryAssembler(text, QuerySource.DEVICES, TwinQuery.NO_TOP, true, List.of(), where, List.of())
                .assemble();
    }

    private TwinQuery query(String text) throws QueryException {
        expectKeyword("SELECT");
        long top = acceptKeyword("TOP") ? topCount() : TwinQuery.NO_TOP;
        boolean selectAll = accept(TokenType.STAR);
        List<QueryAssembler.RawItem> items = new ArrayList<>();
        if (!selectAll) {
            do {
                items.add(selectItem());
            } while (accept(TokenType.COMMA));
        }
        expectKeyword("FROM");
        QuerySource source = source();
        Expression where = acceptKeyword("WHERE") ? expression() : null;
        List<Expression> groupBy = new ArrayList<>();
        if (acceptKeyword("GROUP")) {
            expectKeyword("BY");
            do {
                groupBy.add(expression());
            } while (accept(TokenType.COMMA));
        }
        if (peek().isKeyword("ORDER")) {
            throw new QueryException("ORDER BY is not supported by IoT Hub's query language");
        }
        if (peek().type() != TokenType.END) {
            throw unexpected("end of query");
        }
        return new QueryAssembler(text, source, top, selectAll, items, where, groupBy).assemble();
    }

    private long topCount() throws QueryException {
        Token token = peek();
        if (token.type() != TokenType.NUMBER || !token.value().isIntegralNumber() || token.value().longValue() < 0) {
            throw QueryException.syntax(token.position(), "TOP expects a non-negative integer but found " + token.describe());
        }
        index++;
        return token.value().longValue();
    }

    private QueryAssembler.RawItem selectItem() throws QueryException {
        Expression expression = expression();
        String alias = null;
        if (acceptKeyword("AS")) {
            Token name = peek();
            if (name.type() != TokenType.IDENTIFIER || isReserved(name)) {
                throw QueryException.syntax(name.position(), "expected an alias after AS but found " + name.describe());
            }
            index++;
            alias = name.text();
        }
        return new QueryAssembler.RawItem(expression, alias);
    }

    private QuerySource source() throws QueryException {
        Token collection = peek();
        if (!collection.isKeyword("devices")) {
            throw QueryException.syntax(collection.position(),
                    "expected devices, devices.modules or devices.jobs after FROM but found " + collection.describe());
        }
        index++;
        if (!accept(TokenType.DOT)) {
            return QuerySource.DEVICES;
        }
        Token child = peek();
        if (child.isKeyword("modules")) {
            index++;
            return QuerySource.MODULES;
        }
        if (child.isKeyword("jobs")) {
            index++;
            return QuerySource.JOBS;
        }
        throw QueryException.syntax(child.position(), "expected modules or jobs after 'devices.' but found "
                + child.describe());
    }

    private Expression expression() throws QueryException {
        enter();
        Expression left = conjunction();
        while (acceptKeyword("OR")) {
            left = new Or(left, conjunction());
        }
        nesting--;
        return left;
    }

    private Expression conjunction() throws QueryException {
        Expression left = negation();
        while (acceptKeyword("AND")) {
            left = new And(left, negation());
        }
        return left;
    }

    private Expression negation() throws QueryException {
        if (acceptKeyword("NOT")) {
            enter();
            Expression operand = negation();
            nesting--;
            return new Not(operand);
        }
        return comparison();
    }

    private Expression comparison() throws QueryException {
        Expression left = additive();
        while (true) {
            ComparisonOperator operator = ComparisonOperator.of(peek().type());
            if (operator != null) {
                index++;
                left = new Comparison(operator, left, additive());
            } else if (acceptKeyword("IN")) {
                left = new Membership(left, candidates(), false);
            } else if (acceptKeyword("NIN")) {
                left = new Membership(left, candidates(), true);
            } else if (peek().isKeyword("NOT") && peek(1).isKeyword("IN")) {
                index += 2;
                left = new Membership(left, candidates(), true);
            } else {
                return left;
            }
        }
    }

    /** The list after IN/NIN: IoT Hub writes {@code [a, b]}; Cosmos-style {@code (a, b)} is accepted too. */
    private List<Expression> candidates() throws QueryException {
        TokenType close;
        if (accept(TokenType.LEFT_BRACKET)) {
            close = TokenType.RIGHT_BRACKET;
        } else if (accept(TokenType.LEFT_PAREN)) {
            close = TokenType.RIGHT_PAREN;
        } else {
            throw unexpected("'[' after IN");
        }
        List<Expression> candidates = new ArrayList<>();
        if (!accept(close)) {
            do {
                candidates.add(expression());
            } while (accept(TokenType.COMMA));
            expect(close, close == TokenType.RIGHT_BRACKET ? "']'" : "')'");
        }
        return candidates;
    }

    private Expression additive() throws QueryException {
        Expression left = multiplicative();
        while (true) {
            if (accept(TokenType.PLUS)) {
                left = new Arithmetic(ArithmeticOperator.ADD, left, multiplicative());
            } else if (accept(TokenType.MINUS)) {
                left = new Arithmetic(ArithmeticOperator.SUBTRACT, left, multiplicative());
            } else {
                return left;
            }
        }
    }

    private Expression multiplicative() throws QueryException {
        Expression left = unary();
        while (true) {
            if (accept(TokenType.STAR)) {
                left = new Arithmetic(ArithmeticOperator.MULTIPLY, left, unary());
            } else if (accept(TokenType.SLASH)) {
                left = new Arithmetic(ArithmeticOperator.DIVIDE, left, unary());
            } else if (accept(TokenType.PERCENT)) {
                left = new Arithmetic(ArithmeticOperator.MODULO, left, unary());
            } else {
                return left;
            }
        }
    }

    private Expression unary() throws QueryException {
        if (!accept(TokenType.MINUS)) {
            return primary();
        }
        enter();
        Expression operand = unary();
        nesting--;
        // Folding keeps "-5" a literal, so it prints and compares like any other number.
        if (operand instanceof Literal literal && literal.value() != null && literal.value().isNumber()) {
            return new Literal(new Negation(literal).evaluate(null));
        }
        return new Negation(operand);
    }

    private Expression primary() throws QueryException {
        Token token = peek();
        switch (token.type()) {
            case NUMBER, STRING -> {
                index++;
                return new Literal(token.value());
            }
            case LEFT_PAREN -> {
                index++;
                Expression inner = expression();
                expect(TokenType.RIGHT_PAREN, "')'");
                return inner;
            }
            case IDENTIFIER -> {
                return identifierExpression(token);
            }
            default -> throw unexpected("an expression");
        }
    }

    private Expression identifierExpression(Token token) throws QueryException {
        if (isReserved(token)) {
            throw unexpected("an expression");
        }
        index++;
        if (token.isKeyword("true")) {
            return new Literal(Values.bool(true));
        }
        if (token.isKeyword("false")) {
            return new Literal(Values.bool(false));
        }
        if (token.isKeyword("null")) {
            return new Literal(NullNode.getInstance());
        }
        if (token.isKeyword("undefined")) {
            return new Literal(null);
        }
        if (peek().type() == TokenType.LEFT_PAREN) {
            return functionCall(token);
        }
        List<String> segments = new ArrayList<>();
        segments.add(token.text());
        while (accept(TokenType.DOT)) {
            Token segment = peek();
            if (segment.type() != TokenType.IDENTIFIER) {
                throw unexpected("a property name after '.'");
            }
            index++;
            segments.add(segment.text());
        }
        return new PropertyPath(segments);
    }

    private Expression functionCall(Token name) throws QueryException {
        index++; // the '('
        enter();
        List<Expression> arguments = new ArrayList<>();
        if (!accept(TokenType.RIGHT_PAREN)) {
            do {
                arguments.add(expression());
            } while (accept(TokenType.COMMA));
            expect(TokenType.RIGHT_PAREN, "')'");
        }
        nesting--;
        ScalarFunction scalar = ScalarFunction.named(name.text());
        if (scalar != null) {
            if (arguments.size() != scalar.arity()) {
                throw QueryException.invalid("function " + scalar + " takes " + scalar.arity() + " argument"
                        + (scalar.arity() == 1 ? "" : "s") + " but was given " + arguments.size());
            }
            return new FunctionCall(scalar, arguments);
        }
        AggregateFunction aggregate = AggregateFunction.named(name.text());
        if (aggregate != null) {
            if (!aggregate.acceptsArgumentCount(arguments.size())) {
                throw QueryException.invalid("aggregate " + aggregate + " takes "
                        + (aggregate == AggregateFunction.COUNT ? "no argument or one" : "one argument")
                        + " but was given " + arguments.size());
            }
            return new AggregateCall(aggregate, arguments.isEmpty() ? null : arguments.get(0));
        }
        throw QueryException.invalid("unknown function " + name.text());
    }

    private void enter() throws QueryException {
        if (++nesting > MAX_NESTING) {
            throw QueryException.syntax(peek().position(), "expression nested more than " + MAX_NESTING + " levels deep");
        }
    }

    private static boolean isReserved(Token token) {
        return token.type() == TokenType.IDENTIFIER && RESERVED.contains(token.text().toUpperCase(Locale.ROOT));
    }

    private Token peek() {
        return peek(0);
    }

    private Token peek(int ahead) {
        return tokens.get(Math.min(index + ahead, tokens.size() - 1));
    }

    private boolean accept(TokenType type) {
        if (peek().type() == type) {
            index++;
            return true;
        }
        return false;
    }

    private boolean acceptKeyword(String keyword) {
        if (peek().isKeyword(keyword)) {
            index++;
            return true;
        }
        return false;
    }

    private void expect(TokenType type, String description) throws QueryException {
        if (!accept(type)) {
            throw unexpected(description);
        }
    }

    private void expectKeyword(String keyword) throws QueryException {
        if (!acceptKeyword(keyword)) {
            throw unexpected(keyword);
        }
    }

    private QueryException unexpected(String expected) {
        Token token = peek();
        return QueryException.syntax(token.position(), "expected " + expected + " but found " + token.describe());
    }
}
