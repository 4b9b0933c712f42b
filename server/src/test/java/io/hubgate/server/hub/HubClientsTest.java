package io.hubgate.server.hub;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Which SDK read timeout a call gets: never shorter than a direct method may legitimately wait. */
class HubClientsTest {

    @Test
    void covering_aDirectMethodWithBothTimeoutsAtTheirMaximum_getsAReadTimeoutThatCoversIt() {
        // connect_timeout 300 s + response_timeout 300 s + the 5 s margin: the hub may answer at 605 s.
        assertThat(HubClients.coveringSeconds(Duration.ofSeconds(605))).isGreaterThanOrEqualTo(605);
        assertThat(HubClients.coveringSeconds(Duration.ofMillis(330_001))).isGreaterThan(330);
    }

    @Test
    void covering_withinTheSteps_takesTheShortestStepThatCovers() {
        assertThat(HubClients.coveringSeconds(Duration.ofSeconds(35))).isEqualTo(60);
        assertThat(HubClients.coveringSeconds(Duration.ofSeconds(330))).isEqualTo(330);
    }
}
