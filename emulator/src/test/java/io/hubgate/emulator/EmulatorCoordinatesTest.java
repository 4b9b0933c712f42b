package io.hubgate.emulator;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** How the coordinates write hosts for URLs and connection strings. */
class EmulatorCoordinatesTest {

    @Test
    void httpsHosts_leaveOutTheDefaultPort_asUrlsAndMsalNodeDo() {
        assertThat(EmulatorCoordinates.httpsHost("127.0.0.1", 443)).isEqualTo("127.0.0.1");
        assertThat(EmulatorCoordinates.httpsHost("127.0.0.1", 8443)).isEqualTo("127.0.0.1:8443");
        assertThat(EmulatorCoordinates.httpsHost("::1", 443)).isEqualTo("[::1]");
        assertThat(EmulatorCoordinates.httpsHost("::1", 8443)).isEqualTo("[::1]:8443");
    }
}
