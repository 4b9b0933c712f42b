package io.hubgate.common;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one reading of durations typed by people: units or ISO-8601, and a clear refusal quoting the text. */
class DurationsTest {

    @ParameterizedTest
    @CsvSource({
            "500ms, PT0.5S",
            "90s, PT1M30S",
            "75m, PT1H15M",
            "2h, PT2H",
            "' 20S ', PT20S",
            "0s, PT0S",
            "PT20S, PT20S",
            "pt1h, PT1H",
            "P1D, PT24H",
            "PT0.25S, PT0.25S",
    })
    void parse_readsUnitsAndIso8601(String text, String expected) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.parse(expected));
    }

    @ParameterizedTest
    @CsvSource({"-5s, -PT5S", "+5s, PT5S", "-PT1M, -PT1M"})
    void parse_keepsTheSign_forTheOptionToRefuseByName(String text, String expected) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.parse(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "s", "ms", "10", "1.5s", "10 seconds", "20x", "2d", "PT", "99999999999999999999s",
            "9999999999999999h"})
    void parse_refusesWhatIsNotADuration_quotingIt(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'" + text + "' is not a duration such as 500ms, 90s, 2m, 1h or PT20S");
    }
}
