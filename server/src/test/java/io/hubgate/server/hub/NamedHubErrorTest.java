package io.hubgate.server.hub;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Reading IoT Hub's named error form, as the service's body holds it and as the Java SDK passes it on. */
class NamedHubErrorTest {

    @Test
    void theSdksMessage_givesTheName_andTheSentenceWithoutTheTrackingId() {
        NamedHubError named = NamedHubError.parse(
                "ErrorCode:DeviceNotFound;Device d1 not registered Tracking ID:1bc3-G:20-TimeStamp:02/05/2021 10:03:38");

        assertThat(named).isEqualTo(new NamedHubError("DeviceNotFound", "Device d1 not registered"));
        assertThat(named.code(404)).isEqualTo(404001);
    }

    @Test
    void theBodysField_hasNoTrackingId_andMayHaveNoSentence() {
        assertThat(NamedHubError.parse("ErrorCode:ArgumentNull;BadRequest")).isEqualTo(new NamedHubError("ArgumentNull", "BadRequest"));
        assertThat(NamedHubError.parse("ErrorCode:ServerError")).isEqualTo(new NamedHubError("ServerError", ""));
    }

    @Test
    void textOfAnotherShape_isNotTheNamedForm() {
        assertThat(NamedHubError.parse(null)).isNull();
        assertThat(NamedHubError.parse("{\"errorCode\":404001}")).isNull();
        assertThat(NamedHubError.parse("ErrorCode:;nameless")).isNull();
        assertThat(NamedHubError.parse(" ErrorCode:DeviceNotFound;x")).isNull();
    }

    @Test
    void theCode_isTheNamesOnlyWhenItBelongsToTheStatus() {
        assertThat(new NamedHubError("ModuleNotFound", "").code(404)).isEqualTo(404010);
        assertThat(new NamedHubError("ModuleNotFound", "").code(409)).isEqualTo(409);
        assertThat(new NamedHubError("SomethingNew", "").code(404)).isEqualTo(404);
    }
}
