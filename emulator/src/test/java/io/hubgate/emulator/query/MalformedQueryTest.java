package io.hubgate.emulator.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Queries the hub refuses, and the messages that say why. */
class MalformedQueryTest {

    static Stream<Arguments> malformedQueries() {
        return Stream.of(
                Arguments.of("", "The query text is empty"),
                Arguments.of("   \n\t", "The query text is empty"),
                Arguments.of("DELETE FROM devices", "Syntax error at position 1: expected SELECT but found 'DELETE'"),
                Arguments.of("SELECT", "Syntax error at position 7: expected an expression but found end of query"),
                Arguments.of("SELECT *", "Syntax error at position 9: expected FROM but found end of query"),
                Arguments.of("SELECT deviceId WHER status = 'x'", "Syntax error at position 17: expected FROM but found 'WHER'"),
                Arguments.of("SELECT deviceId, FROM devices", "Syntax error at position 18: expected an expression but found 'FROM'"),
                Arguments.of("SELECT * FROM", "Syntax error at position 14: expected devices, devices.modules or devices.jobs after FROM but found end of query"),
                Arguments.of("SELECT * FROM twins", "Syntax error at position 15: expected devices, devices.modules or devices.jobs after FROM but found 'twins'"),
                Arguments.of("SELECT COUNT() AS n FROM devices.jobs", "The query is invalid: queries over devices.jobs select whole job entries: use SELECT * without GROUP BY or aggregates"),
                Arguments.of("SELECT * FROM devices.things", "Syntax error at position 23: expected modules or jobs after 'devices.' but found 'things'"),
                Arguments.of("SELECT * FROM devices ORDER BY deviceId", "ORDER BY is not supported by IoT Hub's query language"),
                Arguments.of("SELECT * FROM devices WHERE status = 'x' order by deviceId", "ORDER BY is not supported by IoT Hub's query language"),
                Arguments.of("SELECT * FROM devices extra", "Syntax error at position 23: expected end of query but found 'extra'"),
                Arguments.of("SELECT * FROM devices WHERE status = 'x' status", "Syntax error at position 42: expected end of query but found 'status'"),
                Arguments.of("SELECT * FROM devices GROUP status", "Syntax error at position 29: expected BY but found 'status'"),
                Arguments.of("SELECT * FROM devices WHERE", "Syntax error at position 28: expected an expression but found end of query"),
                Arguments.of("SELECT * FROM devices WHERE status = 'x", "Syntax error at position 38: unterminated string literal"),
                Arguments.of("SELECT * FROM devices WHERE status = 'a\\qb'", "Syntax error at position 40: invalid escape sequence '\\q'"),
                Arguments.of("SELECT * FROM devices WHERE status = '\\u00g0'", "Syntax error at position 39: invalid unicode escape"),
                Arguments.of("SELECT * FROM devices WHERE status # 1", "Syntax error at position 36: unexpected character '#'"),
                Arguments.of("SELECT * FROM devices WHERE status ! 1", "Syntax error at position 36: unexpected character '!'"),
                Arguments.of("SELECT * FROM devices WHERE n = 0x", "Syntax error at position 33: invalid hexadecimal number '0x'"),
                Arguments.of("SELECT * FROM devices WHERE n = 12abc", "Syntax error at position 33: invalid number '12abc'"),
                Arguments.of("SELECT * FROM devices WHERE n = 1e", "Syntax error at position 34: malformed number exponent in '1e'"),
                Arguments.of("SELECT * FROM devices WHERE n = 1e999", "Syntax error at position 33: number 1e999 is out of range"),
                Arguments.of("SELECT * FROM devices WHERE (status = 'a'", "Syntax error at position 42: expected ')' but found end of query"),
                Arguments.of("SELECT * FROM devices WHERE status IN 'a'", "Syntax error at position 39: expected '[' after IN but found ''a''"),
                Arguments.of("SELECT * FROM devices WHERE status IN ['a'", "Syntax error at position 43: expected ']' but found end of query"),
                Arguments.of("SELECT * FROM devices WHERE status = [1]", "Syntax error at position 38: expected an expression but found '['"),
                Arguments.of("SELECT * FROM devices WHERE tags. = 1", "Syntax error at position 35: expected a property name after '.' but found '='"),
                Arguments.of("SELECT TOP x * FROM devices", "Syntax error at position 12: TOP expects a non-negative integer but found 'x'"),
                Arguments.of("SELECT TOP -1 * FROM devices", "Syntax error at position 12: TOP expects a non-negative integer but found '-'"),
                Arguments.of("SELECT TOP 1.5 * FROM devices", "Syntax error at position 12: TOP expects a non-negative integer but found '1.5'"),
                Arguments.of("SELECT deviceId AS FROM devices", "Syntax error at position 20: expected an alias after AS but found 'FROM'"),
                Arguments.of("SELECT *, deviceId FROM devices", "Syntax error at position 9: expected FROM but found ','"),
                Arguments.of("SELECT * FROM devices WHERE STARTS_WITH(deviceId, 'a')", "The query is invalid: unknown function STARTS_WITH"),
                Arguments.of("SELECT * FROM devices WHERE LOWER(deviceId) = 'a'", "The query is invalid: unknown function LOWER"),
                Arguments.of("SELECT * FROM devices WHERE STARTSWITH(deviceId)", "The query is invalid: function STARTSWITH takes 2 arguments but was given 1"),
                Arguments.of("SELECT * FROM devices WHERE IS_DEFINED()", "The query is invalid: function IS_DEFINED takes 1 argument but was given 0"),
                Arguments.of("SELECT COUNT(1, 2) FROM devices", "The query is invalid: aggregate COUNT takes no argument or one but was given 2"),
                Arguments.of("SELECT SUM() FROM devices", "The query is invalid: aggregate SUM takes one argument but was given 0"),
                Arguments.of("SELECT * FROM devices WHERE COUNT() > 1", "The query is invalid: aggregate functions are only allowed in the SELECT list, not in WHERE"),
                Arguments.of("SELECT status FROM devices GROUP BY COUNT()", "The query is invalid: aggregate functions are only allowed in the SELECT list, not in GROUP BY"),
                Arguments.of("SELECT COUNT() + 1 FROM devices", "The query is invalid: an aggregate function must be a whole SELECT item"),
                Arguments.of("SELECT SUM(COUNT()) FROM devices", "The query is invalid: aggregate functions cannot be nested"),
                Arguments.of("SELECT deviceId, COUNT() FROM devices", "The query is invalid: 'deviceId' is neither an aggregate nor a GROUP BY expression"),
                Arguments.of("SELECT deviceId, COUNT() FROM devices GROUP BY status", "The query is invalid: 'deviceId' is neither an aggregate nor a GROUP BY expression"),
                Arguments.of("SELECT * FROM devices GROUP BY status", "The query is invalid: SELECT * cannot be combined with GROUP BY"),
                Arguments.of("SELECT a AS x, b AS x FROM devices", "The query is invalid: the alias 'x' is used more than once"),
                Arguments.of("SELECT * FROM devices WHERE " + "(".repeat(200) + "1" + ")".repeat(200), "nested more than 100 levels deep"),
                Arguments.of("SELECT * FROM devices WHERE " + "NOT ".repeat(200) + "true", "nested more than 100 levels deep"),
                Arguments.of("SELECT * FROM devices WHERE " + "-".repeat(200) + "1 = 1", "nested more than 100 levels deep"));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("malformedQueries")
    void malformedQueriesAreRejectedWithAPreciseMessage(String query, String expectedMessage) {
        assertThatThrownBy(() -> TwinQuery.parse(query))
                .isExactlyInstanceOf(QueryException.class)
                .hasMessageContaining(expectedMessage)
                .hasMessageNotContaining("Exception")
                .hasMessageNotContaining("\tat ");
    }

    @Test
    void nullQueryTextIsRejected() {
        assertThatThrownBy(() -> TwinQuery.parse(null)).isExactlyInstanceOf(QueryException.class)
                .hasMessage("The query text is empty");
    }

    @Test
    void queryTextOfExactly8192CharactersIsAccepted() {
        String query = "SELECT * FROM devices WHERE deviceId = '" + "x".repeat(8192 - 41) + "'";

        assertThat(query).hasSize(8192);
        assertThatCode(() -> TwinQuery.parse(query)).doesNotThrowAnyException();
    }

    @Test
    void queryTextLongerThan8192CharactersIsRejected() {
        String query = "SELECT * FROM devices WHERE deviceId = '" + "x".repeat(8192 - 40) + "'";

        assertThatThrownBy(() -> TwinQuery.parse(query)).isExactlyInstanceOf(QueryException.class)
                .hasMessage("The query text is 8193 characters long; the limit is 8192");
    }

    @Test
    void longButFlatConditionsAreAccepted() throws QueryException {
        StringBuilder query = new StringBuilder("SELECT deviceId FROM devices WHERE deviceId = 'd0'");
        for (int i = 1; i < 300; i++) {
            query.append(" OR deviceId = 'd").append(i).append('\'');
        }
        InMemoryRows rows = new InMemoryRows().device("d299").device("x");

        assertThat(rows.runAll(query.toString(), 10)).hasSize(1);
    }

    /** Random token soup: whatever the text, the engine answers with a result or a QueryException. */
    @Test
    void arbitraryInputNeverThrowsAnythingButQueryException() {
        String[] pieces = {"SELECT", "TOP", "5", "*", "FROM", "devices", ".", "modules", "WHERE", "GROUP", "BY", "AS",
            "x", "tags", "(", ")", "[", "]", ",", "=", "<", ">=", "!=", "+", "-", "/", "%", "AND", "OR", "NOT", "IN",
            "NIN", "'s'", "\"q\"", "'\\u12", "0x", "1e", "3.5", "COUNT", "SUM", "IS_DEFINED", "STARTSWITH", "null",
            "undefined", "true", "\\", "'", "\"", "$", "#", "ORDER", "\u00e9"};
        InMemoryRows rows = new InMemoryRows().device("a", "{'tags': {'x': 1}}").device("b");
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder text = new StringBuilder(random.nextBoolean() ? "SELECT " : "");
            int length = random.nextInt(14);
            for (int j = 0; j < length; j++) {
                text.append(pieces[random.nextInt(pieces.length)]).append(random.nextInt(4) == 0 ? "" : " ");
            }
            String query = text.toString();
            assertThatCode(() -> {
                try {
                    rows.runAll(query, 1 + random.nextInt(3));
                } catch (QueryException expected) {
                    assertThat(expected.getMessage()).isNotBlank();
                }
            }).as(query).doesNotThrowAnyException();
        }
    }
}
