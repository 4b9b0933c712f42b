package io.hubgate.emulator.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Operators, functions, literals and three-valued logic, evaluated against one known twin. */
class ExpressionEvaluationTest {

    private static final String TWIN = """
            {'status': 'enabled',
             'tags': {'location': {'region': 'US', 'plant': 'Redmond43'}, 'floor': 3, 'nothing': null,
                      'ratio': 0.5, 'list': [1, 2]},
             'properties': {'reported': {'temp': 72, 'humidity': 40.5, 'online': true, '$version': 4},
                            'desired': {'temp': 70}}}
            """;

    private final InMemoryRows rows = new InMemoryRows().device("dev1", TWIN);

    @ParameterizedTest(name = "WHERE {0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            deviceId = 'dev1'                                   | true
            DeviceId = 'dev1'                                   | true
            devices.deviceId = 'dev1'                           | true
            Properties.reported.temp = 72                       | true
            properties.Reported.temp = 72                       | false
            properties.reported.temp = 72                       | true
            properties.reported.temp = 72.0                     | true
            properties.reported.temp != 72                      | false
            properties.reported.temp <> 71                      | true
            properties.reported.temp > 70                       | true
            properties.reported.temp >= 72                      | true
            properties.reported.temp < 72                       | false
            properties.reported.temp <= 72                      | true
            properties.reported.humidity > 40                   | true
            properties.reported.humidity < 40.6                 | true
            status < 'f'                                        | true
            status > 'Z'                                        | true
            status >= 'enabled'                                 | true
            'a' = "a"                                           | true
            properties.reported.online = true                   | true
            properties.reported.online != false                 | true
            properties.reported.online > false                  | false
            NOT (properties.reported.online > false)            | false
            tags.nothing = null                                 | true
            tags.nothing != null                                | false
            tags.nothing < null                                 | false
            tags.missing = null                                 | false
            properties.reported.temp = '72'                     | false
            properties.reported.temp != '72'                    | false
            tags.location = tags.location                       | false
            tags.list = tags.list                               | false
            tags.missing != 1                                   | false
            tags.missing = undefined                            | false
            deviceId = 'dev1' AND status = 'enabled'            | true
            deviceId = 'dev1' AND status = 'x'                  | false
            deviceId = 'x' OR status = 'enabled'                | true
            tags.missing = 1 OR status = 'enabled'              | true
            tags.missing = 1 OR status = 'x'                    | false
            NOT (tags.missing = 1 OR status = 'x')              | false
            NOT (tags.missing = 1)                              | false
            NOT tags.missing = 1                                | false
            NOT (status = 'x')                                  | true
            NOT (tags.missing = 1 AND status = 'x')             | true
            NOT (tags.missing = 1 OR status = 'enabled')        | false
            NOT NOT (status = 'enabled')                        | true
            status = 'enabled' AND 1                            | false
            properties.reported.online                          | true
            tags.floor                                          | false
            undefined                                           | false
            null                                                | false
            true                                                | true
            false                                               | false
            NOT 1                                               | false
            status = 'x' AND tags.floor = 3 OR deviceId = 'dev1'   | true
            status = 'x' AND (tags.floor = 3 OR deviceId = 'dev1') | false
            status IN ['enabled', 'disabled']                   | true
            status IN ['disabled']                              | false
            status NIN ['disabled']                             | true
            status NIN ['enabled']                              | false
            status NOT IN ['disabled']                          | true
            status IN ('enabled')                               | true
            status IN []                                        | false
            status NIN []                                       | true
            tags.floor IN [1, 2, 3.0]                           | true
            tags.floor IN ['3']                                 | false
            tags.floor NIN ['3']                                | true
            tags.missing IN [1]                                 | false
            tags.missing NIN [1]                                | false
            tags.nothing IN [null]                              | true
            tags.location IN [1]                                | false
            tags.location NIN [1]                               | false
            properties.reported.temp IN [properties.desired.temp + 2] | true
            IS_DEFINED(tags.nothing)                            | true
            IS_DEFINED(tags.missing)                            | false
            NOT IS_DEFINED(tags.missing)                        | true
            is_defined(properties.reported.temp)                | true
            IS_DEFINED(tags.location.region.deeper)             | false
            STARTSWITH(tags.location.plant, 'Red')              | true
            STARTSWITH(tags.location.plant, 'red')              | false
            startsWith(deviceId, 'dev')                         | true
            ENDSWITH(tags.location.plant, '43')                 | true
            EndsWith(tags.location.plant, 'Redmond')            | false
            STARTSWITH(tags.floor, '3')                         | false
            NOT STARTSWITH(tags.floor, '3')                     | false
            STARTSWITH(tags.missing, 'a')                       | false
            STARTSWITH(status, tags.missing)                    | false
            properties.reported.temp - properties.desired.temp = 2 | true
            tags.floor * 2 + 1 = 7                              | true
            tags.floor + 1 * 2 = 5                              | true
            (tags.floor + 1) * 2 = 8                            | true
            tags.floor / 2 = 1.5                                | true
            tags.floor % 2 = 1                                  | true
            -tags.floor = -3                                    | true
            tags.floor - -1 = 4                                 | true
            1 / 0 = 1                                           | false
            NOT (1 / 0 = 1)                                     | false
            NOT (1 % 0 = 1)                                     | false
            status + 'x' = 'enabledx'                           | false
            -status = 1                                         | false
            properties.reported.$version = 4                    | true
            0x10 = 16                                           | true
            0XfF = 255                                          | true
            1e2 = 100                                           | true
            2.5E-1 = 0.25                                       | true
            tags.ratio = 5e-1                                   | true
            select_me = 1 OR true                               | true
            """)
    void whereClauseKeepsOnlyRowsWhereTheConditionIsTrue(String condition, boolean matches) throws QueryException {
        List<JsonNode> items = rows.runAll("SELECT * FROM devices WHERE " + condition, 10);

        assertThat(items).hasSize(matches ? 1 : 0);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            tags.floor + 1                | 4
            tags.floor / 2                | 1.5
            1.5 * 2                       | 3
            tags.ratio * 3                | 1.5
            -5                            | -5
            - 2.5                         | -2.5
            0x1F                          | 31
            9007199254740993              | 9007199254740993
            1e3                           | 1000
            null                          | null
            true                          | true
            FALSE                         | false
            tags.location                 | {"region": "US", "plant": "Redmond43"}
            tags.list                     | [1, 2]
            tags.nothing                  | null
            IS_DEFINED(tags.nothing)      | true
            properties.reported.temp > 1  | true
            'x' IN ['x']                  | true
            """)
    void expressionsEvaluateToTheExpectedJson(String expression, String expectedJson) throws Exception {
        JsonNode item = rows.runAll("SELECT " + expression + " AS v FROM devices", 10).get(0);

        assertThat(item.get("v")).isEqualTo(TestTwin.JSON.readTree(expectedJson));
    }

    @ParameterizedTest(name = "{0} is undefined")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            undefined
            tags.missing
            status + 1
            1 / 0
            tags.floor % 0
            tags.missing = 1
            NOT tags.floor
            STARTSWITH(tags.floor, 'a')
            tags.location IN [1]
            1e308 * 10
            """)
    void undefinedResultsAreLeftOutOfTheProjection(String expression) throws QueryException {
        JsonNode item = rows.runAll("SELECT " + expression + " AS v FROM devices", 10).get(0);

        assertThat(item.has("v")).isFalse();
    }

    static Stream<Arguments> stringLiterals() {
        return Stream.of(
                Arguments.of("'plain'", "plain"),
                Arguments.of("\"double quoted\"", "double quoted"),
                Arguments.of("'it\\'s'", "it's"),
                Arguments.of("\"it's\"", "it's"),
                Arguments.of("'say \"hi\"'", "say \"hi\""),
                Arguments.of("\"say \\\"hi\\\"\"", "say \"hi\""),
                Arguments.of("'back\\\\slash'", "back\\slash"),
                Arguments.of("'a\\/b'", "a/b"),
                Arguments.of("'\\b\\f\\n\\r\\t'", "\b\f\n\r\t"),
                Arguments.of("'\\u00e9\\u0041'", "\u00e9A"),
                Arguments.of("''", ""),
                Arguments.of("'SELECT * FROM devices'", "SELECT * FROM devices"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stringLiterals")
    void stringLiteralsDecodeTheirEscapes(String literal, String expected) throws QueryException {
        JsonNode item = rows.runAll("SELECT " + literal + " AS v FROM devices", 10).get(0);

        assertThat(item.get("v").textValue()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            select * from devices where deviceId = 'dev1'
            SeLeCt * FrOm DeViCeS wHeRe deviceId = 'dev1'
            SELECT * FROM devices WHERE deviceId = 'dev1' and not (status = 'x')
            SELECT * FROM devices WHERE status in ['enabled'] AND status nin ['x']
            """)
    void keywordsAreCaseInsensitive(String query) throws QueryException {
        assertThat(rows.runAll(query, 10)).hasSize(1);
    }
}
