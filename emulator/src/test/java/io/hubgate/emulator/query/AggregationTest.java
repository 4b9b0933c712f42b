package io.hubgate.emulator.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** COUNT, SUM, AVG, MIN and MAX, with and without GROUP BY. */
class AggregationTest {

    private final InMemoryRows rows = new InMemoryRows()
            .device("d1", "{'status': 'enabled', 'properties': {'reported': {'status': 'Success', 'temp': 10, 'fw': 'b'}}}")
            .device("d2", "{'status': 'enabled', 'properties': {'reported': {'status': 'Pending', 'temp': 20.5, 'fw': 'a'}}}")
            .device("d3", "{'status': 'disabled', 'properties': {'reported': {'status': 'Success', 'temp': 'hot'}}}")
            .device("d4", "{'status': 'enabled', 'properties': {'reported': {'temp': 30}}}")
            .device("d5", "{'status': 'enabled', 'properties': {'reported': {'status': 'Success', 'temp': null}}}");

    private static JsonNode json(String text) {
        return TestTwin.parse(text);
    }

    @Test
    void countReturnsOneItemWithTheMatchingRowCount() throws QueryException {
        assertThat(rows.runAll("SELECT COUNT() AS n FROM devices WHERE status = 'enabled'", 10))
                .containsExactly(json("{'n': 4}"));
    }

    @Test
    void countOfNoMatchingRowsIsZero() throws QueryException {
        assertThat(rows.runAll("SELECT COUNT() AS n FROM devices WHERE status = 'gone'", 10))
                .containsExactly(json("{'n': 0}"));
    }

    @Test
    void aggregatesWithoutAliasAreKeyedByPosition() throws QueryException {
        assertThat(rows.runAll("SELECT COUNT(), count() AS c FROM devices", 10))
                .containsExactly(json("{'$1': 5, 'c': 5}"));
    }

    @Test
    void countOfAnExpressionCountsRowsWhereItIsDefined() throws QueryException {
        assertThat(rows.runAll("SELECT COUNT(properties.reported.status) AS n FROM devices", 10))
                .containsExactly(json("{'n': 4}"));
    }

    @Test
    void sumAndAvgUseNumbersAndIgnoreOtherValues() throws QueryException {
        assertThat(rows.runAll("SELECT SUM(properties.reported.temp) AS s, AVG(properties.reported.temp) AS a FROM devices", 10))
                .containsExactly(json("{'s': 60.5, 'a': 20.166666666666668}"));
    }

    @Test
    void wholeResultsArePrintedAsIntegers() throws QueryException {
        assertThat(rows.runAll("SELECT SUM(properties.reported.temp) AS s, AVG(properties.reported.temp) AS a FROM devices"
                + " WHERE deviceId IN ['d1', 'd4']", 10))
                .containsExactly(json("{'s': 40, 'a': 20}"));
    }

    @Test
    void minAndMaxOrderNumbersNumericallyAndStringsOrdinally() throws QueryException {
        assertThat(rows.runAll("SELECT MIN(properties.reported.temp) AS lo, MAX(properties.reported.temp) AS hi,"
                + " MIN(properties.reported.fw) AS fwLo, MAX(properties.reported.fw) AS fwHi FROM devices"
                + " WHERE deviceId != 'd3'", 10))
                .containsExactly(json("{'lo': 10, 'hi': 30, 'fwLo': 'a', 'fwHi': 'b'}"));
    }

    @Test
    void minPrefersNumbersAndMaxPrefersStringsWhenBothOccur() throws QueryException {
        assertThat(rows.runAll("SELECT MIN(properties.reported.temp) AS lo, MAX(properties.reported.temp) AS hi FROM devices", 10))
                .containsExactly(json("{'lo': 10, 'hi': 'hot'}"));
    }

    @Test
    void aggregatesOverNoValuesAreOmitted() throws QueryException {
        assertThat(rows.runAll("SELECT COUNT() AS n, SUM(tags.x) AS s, AVG(tags.x) AS a, MIN(tags.x) AS lo,"
                + " MAX(tags.x) AS hi FROM devices", 10))
                .containsExactly(json("{'n': 5}"));
    }

    @Test
    void groupByReturnsOneItemPerGroupInOrderOfFirstAppearance() throws QueryException {
        List<JsonNode> items = rows.runAll("SELECT properties.reported.status AS status, COUNT() AS numberOfDevices"
                + " FROM devices GROUP BY properties.reported.status", 10);

        assertThat(items).containsExactly(
                json("{'status': 'Success', 'numberOfDevices': 3}"),
                json("{'status': 'Pending', 'numberOfDevices': 1}"),
                json("{'numberOfDevices': 1}"));
    }

    @Test
    void groupByCombinesWithWhereAndSeveralKeys() throws QueryException {
        List<JsonNode> items = rows.runAll("SELECT status, properties.reported.status, COUNT() AS n, MAX(properties.reported.temp) AS hottest"
                + " FROM devices WHERE IS_DEFINED(properties.reported.status) GROUP BY Status, properties.reported.status", 10);

        assertThat(items).containsExactly(
                json("{'status': 'enabled', '$2': 'Success', 'n': 2, 'hottest': 10}"),
                json("{'status': 'enabled', '$2': 'Pending', 'n': 1, 'hottest': 20.5}"),
                json("{'status': 'disabled', '$2': 'Success', 'n': 1, 'hottest': 'hot'}"));
    }

    @Test
    void groupByWithoutAggregatesListsDistinctValues() throws QueryException {
        assertThat(rows.runAll("SELECT status FROM devices GROUP BY status", 10))
                .containsExactly(json("{'status': 'enabled'}"), json("{'status': 'disabled'}"));
    }

    @Test
    void groupByOnNoMatchingRowsReturnsNoItems() throws QueryException {
        List<QueryPage> pages = rows.pages("SELECT status, COUNT() AS n FROM devices WHERE status = 'gone' GROUP BY status", 10);

        assertThat(pages).hasSize(1);
        assertThat(pages.get(0).items()).isEmpty();
        assertThat(pages.get(0).continuationToken()).isNull();
    }

    @Test
    void numericallyEqualGroupValuesShareAGroup() throws QueryException {
        InMemoryRows mixed = new InMemoryRows()
                .device("a", "{'tags': {'floor': 1}}")
                .device("b", "{'tags': {'floor': 1.0}}")
                .device("c", "{'tags': {'floor': 2}}");

        assertThat(mixed.runAll("SELECT tags.floor AS floor, COUNT() AS n FROM devices GROUP BY tags.floor", 10))
                .containsExactly(json("{'floor': 1, 'n': 2}"), json("{'floor': 2, 'n': 1}"));
    }

    @Test
    void groupsArePagedByOffsetWithoutRepeats() throws QueryException {
        InMemoryRows many = new InMemoryRows();
        for (int i = 0; i < 25; i++) {
            many.device(String.format("dev%02d", i), "{'tags': {'bucket': " + (i % 7) + "}}");
        }

        List<QueryPage> pages = many.pages("SELECT tags.bucket AS b, COUNT() AS n FROM devices GROUP BY tags.bucket", 3);

        assertThat(pages).hasSize(3);
        assertThat(pages.get(2).continuationToken()).isNull();
        assertThat(pages.stream().flatMap(p -> p.items().stream()).map(item -> item.get("b").intValue()))
                .containsExactly(0, 1, 2, 3, 4, 5, 6);
    }

    @Test
    void topLimitsTheNumberOfGroups() throws QueryException {
        assertThat(rows.runAll("SELECT TOP 1 status, COUNT() AS n FROM devices GROUP BY status", 10))
                .containsExactly(json("{'status': 'enabled', 'n': 4}"));
    }
}
