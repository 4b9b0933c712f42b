package io.hubgate.emulator.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Output keys and values of SELECT lists, and the item types that go with them. */
class ProjectionTest {

    private final InMemoryRows rows = new InMemoryRows()
            .device("dev1", "{'lastActivityTime': '2024-01-01', 'tags': {'location': {'region': 'US'}},"
                    + " 'properties': {'reported': {'temp': 72}}}")
            .module("dev1", "edge", "{'properties': {'reported': {'temp': 20}}}");

    private JsonNode only(String query) throws QueryException {
        List<JsonNode> items = rows.runAll(query, 10);
        assertThat(items).hasSize(1);
        return items.get(0);
    }

    private static JsonNode json(String text) {
        return TestTwin.parse(text);
    }

    @Test
    void pathsAreKeyedByTheirLastSegmentAndAliasesWin() throws QueryException {
        JsonNode item = only("SELECT deviceId, tags.location AS loc, properties.reported.temp FROM devices");

        assertThat(item).isEqualTo(json("{'deviceId': 'dev1', 'loc': {'region': 'US'}, 'temp': 72}"));
    }

    @Test
    void rootNamesAreKeyedWithALowerCaseFirstLetterLikeTheDocsExample() throws QueryException {
        JsonNode item = only("SELECT DeviceId, LastActivityTime FROM devices");

        assertThat(item).isEqualTo(json("{'deviceId': 'dev1', 'lastActivityTime': '2024-01-01'}"));
    }

    @Test
    void nonPathExpressionsWithoutAliasAreKeyedByPosition() throws QueryException {
        JsonNode item = only("SELECT deviceId, properties.reported.temp + 1, 'x', IS_DEFINED(tags) AS hasTags FROM devices");

        assertThat(item).isEqualTo(json("{'deviceId': 'dev1', '$2': 73, '$3': 'x', 'hasTags': true}"));
    }

    @Test
    void undefinedValuesAreOmitted() throws QueryException {
        JsonNode item = only("SELECT deviceId, tags.missing, properties.reported.nothing AS n FROM devices");

        assertThat(item).isEqualTo(json("{'deviceId': 'dev1'}"));
    }

    @Test
    void anImplicitNameThatClashesFallsBackToItsPosition() throws QueryException {
        JsonNode item = only("SELECT properties.reported.temp, properties.reported.temp, tags.location.region FROM devices");

        assertThat(item).isEqualTo(json("{'temp': 72, '$2': 72, 'region': 'US'}"));
        assertThat(only("SELECT properties.reported.temp, 5 AS temp2, tags.location.region AS temp FROM devices"))
                .isEqualTo(json("{'$1': 72, 'temp2': 5, 'temp': 'US'}"));
    }

    @Test
    void devicesQualifierIsStrippedFromPaths() throws QueryException {
        JsonNode item = only("SELECT devices.deviceId, devices.tags.location.region FROM devices");

        assertThat(item).isEqualTo(json("{'deviceId': 'dev1', 'region': 'US'}"));
    }

    @Test
    void moduleQueriesReadModuleTwinsAndStripTheModulesQualifier() throws QueryException {
        JsonNode item = only("SELECT devices.modules.moduleId, deviceId, properties.reported.temp FROM devices.modules"
                + " WHERE devices.modules.moduleId = 'edge'");

        assertThat(item).isEqualTo(json("{'moduleId': 'edge', 'deviceId': 'dev1', 'temp': 20}"));
    }

    @Test
    void selectStarReturnsWholeTwinsWithItemTypeTwin() throws QueryException {
        QueryPage page = rows.pages("SELECT * FROM devices.modules", 10).get(0);

        assertThat(page.itemType()).isEqualTo("twin");
        assertThat(page.items()).containsExactly(json(
                "{'properties': {'reported': {'temp': 20}}, 'deviceId': 'dev1', 'moduleId': 'edge'}"));
    }

    @Test
    void projectionsAndAggregatesHaveItemTypeRaw() throws QueryException {
        assertThat(rows.pages("SELECT deviceId FROM devices", 10).get(0).itemType()).isEqualTo("raw");
        assertThat(rows.pages("SELECT COUNT() AS n FROM devices", 10).get(0).itemType()).isEqualTo("raw");
    }

    @Test
    void parsedQueryReportsItsSourceAndText() throws QueryException {
        TwinQuery query = TwinQuery.parse("SELECT * FROM devices.modules");

        assertThat(query.source()).isEqualTo(QuerySource.MODULES);
        assertThat(query.text()).isEqualTo("SELECT * FROM devices.modules");
        assertThat(TwinQuery.parse("select * from DEVICES").source()).isEqualTo(QuerySource.DEVICES);
    }
}
