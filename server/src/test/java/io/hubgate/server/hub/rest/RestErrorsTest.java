package io.hubgate.server.hub.rest;

import io.hubgate.server.hub.HubErrorResponse;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

import static org.assertj.core.api.Assertions.assertThat;

/** IoT Hub's error bodies in each form the service writes, read into code, message and Retry-After. */
class RestErrorsTest {

    @Test
    void theJsonForm_givesTheSixDigitCodeAndTheSentence() {
        HubErrorResponse error = RestErrors.of(404,
                "{\"Message\":\"{\\\"errorCode\\\":404103,\\\"message\\\":\\\"not online\\\"}\",\"ExceptionMessage\":\"\"}", null, null);
        assertThat(error.errorCode()).isEqualTo(404103);
        assertThat(error.getMessage()).contains("not online");
        assertThat(RestErrors.of(404, "{\"errorCode\":404001,\"message\":\"gone\"}", null, null).errorCode()).isEqualTo(404001);
    }

    @Test
    void theNamedForm_givesTheCodeOfItsName_andItsSentence() {
        HubErrorResponse service = RestErrors.of(409,
                "{\"Message\":\"ErrorCode:DeviceAlreadyExists;A device with id d1 is already registered\",\"ExceptionMessage\":\"Tracking ID:x\"}",
                null, null);
        assertThat(service.errorCode()).isEqualTo(409001);
        assertThat(service.getMessage()).isEqualTo("A device with id d1 is already registered");

        HubErrorResponse unknownName = RestErrors.of(429,
                "{\"Message\":\"ErrorCode:ThrottlingMaxActiveJobCountExceeded;429\",\"ExceptionMessage\":\"Tracking ID:x\"}",
                null, null);
        assertThat(unknownName.errorCode()).as("a name the gateway does not know leaves the status").isEqualTo(429);
    }

    @Test
    void withoutACodeInTheBody_theErrorCodeHeaderNamesIt_elseTheStatusStandsIn() {
        assertThat(RestErrors.of(404, "not json", null, "ModuleNotFound").errorCode()).isEqualTo(404010);
        assertThat(RestErrors.of(404, "not json", null, "SomethingElse").errorCode()).isEqualTo(404);
        assertThat(RestErrors.of(404, "", null, "ThrottlingException").errorCode()).as("a name of another status is ignored").isEqualTo(404);
        assertThat(RestErrors.of(503, "", null, null).getMessage()).isEmpty();
    }

    @Test
    void retryAfter_isReadInSecondsOrAsAnHttpDate() {
        assertThat(RestErrors.of(429, "", "7", null).retryAfter()).isEqualTo(Duration.ofSeconds(7));
        assertThat(RestErrors.retryAfter(" 0 ")).isEqualTo(Duration.ZERO);
        assertThat(RestErrors.retryAfter("-3")).isNull();
        assertThat(RestErrors.retryAfter("soon")).isNull();
        assertThat(RestErrors.retryAfter(null)).isNull();
        String inTenSeconds = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now().plusSeconds(10));
        assertThat(RestErrors.retryAfter(inTenSeconds)).isBetween(Duration.ofSeconds(5), Duration.ofSeconds(10));
        String past = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now().minusSeconds(10));
        assertThat(RestErrors.retryAfter(past)).isEqualTo(Duration.ZERO);
    }
}
