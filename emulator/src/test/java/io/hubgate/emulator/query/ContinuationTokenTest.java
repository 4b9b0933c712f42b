package io.hubgate.emulator.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Continuation tokens: opaque, bound to their query, and rejected cleanly when forged or foreign. */
class ContinuationTokenTest {

    private static final String QUERY = "SELECT * FROM devices";

    private final QueryExecutor executor = new QueryExecutor();
    private final InMemoryRows rows = new InMemoryRows().device("a").device("b").device("c").device("d");

    private String firstToken(String query) throws QueryException {
        return executor.execute(TwinQuery.parse(query), rows, 1, null).continuationToken();
    }

    private static String encode(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void tokensAreUrlSafe() throws QueryException {
        assertThat(firstToken(QUERY)).matches("[A-Za-z0-9_-]+");
        assertThat(firstToken("SELECT COUNT() FROM devices GROUP BY deviceId")).matches("[A-Za-z0-9_-]+");
    }

    @Test
    void aTokenWorksWithAFreshlyParsedCopyOfTheSameQuery() throws QueryException {
        String token = firstToken(QUERY);

        QueryPage next = executor.execute(TwinQuery.parse(QUERY), rows, 1, token);

        assertThat(next.items()).extracting(item -> item.get("deviceId").textValue()).containsExactly("b");
    }

    @Test
    void aTokenFromAnotherQueryIsRejected() throws QueryException {
        String token = firstToken(QUERY);

        assertThatThrownBy(() -> executor.execute(TwinQuery.parse("SELECT * FROM devices WHERE true"), rows, 1, token))
                .isExactlyInstanceOf(QueryException.class)
                .hasMessage("The continuation token does not belong to this query");
    }

    @Test
    void aTokenFromAQueryThatDiffersOnlyInCaseIsRejected() throws QueryException {
        String token = firstToken(QUERY);

        assertThatThrownBy(() -> executor.execute(TwinQuery.parse("select * from devices"), rows, 1, token))
                .isExactlyInstanceOf(QueryException.class)
                .hasMessageContaining("does not belong to this query");
    }

    @Test
    void anEmptyTokenMeansTheFirstPage() throws QueryException {
        QueryPage page = executor.execute(TwinQuery.parse(QUERY), rows, 1, "");

        assertThat(page.items()).extracting(item -> item.get("deviceId").textValue()).containsExactly("a");
    }

    static Stream<Arguments> malformedTokens() throws QueryException {
        String fingerprint = TwinQuery.parse(QUERY).fingerprint();
        return Stream.of(
                Arguments.of("not base64 !!!"),
                Arguments.of("abc"),
                Arguments.of("a"),
                Arguments.of("===="),
                Arguments.of(" "),
                Arguments.of("\u00e9\u00e8"),
                Arguments.of("x".repeat(100_000)),
                Arguments.of(encode("not json")),
                Arguments.of(encode("[1, 2]")),
                Arguments.of(encode("\"string\"")),
                Arguments.of(encode("{}")),
                Arguments.of(encode("{\"q\": 5, \"k\": \"a\", \"n\": 1}")),
                Arguments.of(encode("{\"q\": \"" + fingerprint + "\", \"k\": \"a\"}")),
                Arguments.of(encode("{\"q\": \"" + fingerprint + "\", \"k\": \"a\", \"n\": -1}")),
                Arguments.of(encode("{\"q\": \"" + fingerprint + "\", \"k\": \"a\", \"n\": 1.5}")),
                Arguments.of(encode("{\"q\": \"" + fingerprint + "\", \"k\": \"a\", \"n\": \"1\"}")),
                Arguments.of(encode("{\"q\": \"" + fingerprint + "\", \"k\": 7, \"n\": 1}")),
                Arguments.of(encode("{\"q\": \"" + fingerprint + "\", \"k\": \"a\", \"n\": 99999999999999999999999}")),
                // The shape of an aggregate query's token, presented to a row query.
                Arguments.of(encode("{\"q\": \"" + fingerprint + "\", \"n\": 1}")),
                Arguments.of(encode("{\"q\": \"" + fingerprint + "\", \"k\": \"a\", \"n\": 1")));
    }

    @ParameterizedTest(name = "[{index}]")
    @MethodSource("malformedTokens")
    void malformedTokensAreRejected(String token) throws QueryException {
        TwinQuery query = TwinQuery.parse(QUERY);

        assertThatThrownBy(() -> executor.execute(query, rows, 1, token))
                .isExactlyInstanceOf(QueryException.class)
                .hasMessage("The continuation token is malformed");
    }

    @Test
    void aRowQueryTokenPresentedToAnAggregateQueryWithTheSameFingerprintIsRejected() throws QueryException {
        TwinQuery aggregate = TwinQuery.parse("SELECT COUNT() AS n FROM devices");
        String forged = encode("{\"q\": \"" + aggregate.fingerprint() + "\", \"k\": \"a\", \"n\": 1}");

        assertThatThrownBy(() -> executor.execute(aggregate, rows, 1, forged))
                .isExactlyInstanceOf(QueryException.class)
                .hasMessage("The continuation token is malformed");
    }

    @Test
    void aTokenCarriesNoClearTextQuery() throws QueryException {
        String decoded = new String(Base64.getUrlDecoder().decode(firstToken(QUERY)), StandardCharsets.UTF_8);

        assertThat(decoded).doesNotContain("SELECT");
    }
}
