package io.hubgate.server.hub;

import io.hubgate.server.errors.GatewayStatus;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;

/** An upstream attempt's outcome label and the hub's tracking id, read from what IoT Hub answers. */
class UpstreamAttemptTest {

    @Test
    void outcome_isOk_orTheErrorInfoReason_neverAMessage() {
        assertThat(UpstreamAttempt.outcome(null)).isEqualTo("OK");
        assertThat(UpstreamAttempt.outcome(new HubErrorResponse(404, 404001, "Device secret-id not found", null)))
                .isEqualTo("DeviceNotFound");
        assertThat(UpstreamAttempt.outcome(new CompletionException(new HubErrorResponse(429, 429001, "slow down",
                Duration.ofSeconds(3))))).isEqualTo("ThrottlingException");
        assertThat(UpstreamAttempt.outcome(new ConnectException("refused by 10.0.0.7"))).isEqualTo("UPSTREAM_UNREACHABLE");
        assertThat(UpstreamAttempt.outcome(new IOException("reset"))).isEqualTo("UPSTREAM_IO_ERROR");
        assertThat(UpstreamAttempt.outcome(GatewayStatus.atCapacity("busy", Duration.ofSeconds(1))))
                .isEqualTo(GatewayStatus.GATEWAY_AT_CAPACITY);
    }

    @Test
    void trackingId_isFoundInEitherErrorForm_orIsNull() {
        // The JSON form, nested as text in Message (as the registry and twin endpoints answer).
        assertThat(UpstreamAttempt.trackingId("{\"Message\":\"{\\\"errorCode\\\":404001,\\\"trackingId\\\":"
                + "\\\"4c6b1e-G:9-TimeStamp:03/14/2024 09:54:49\\\",\\\"message\\\":\\\"gone\\\"}\",\"ExceptionMessage\":\"\"}"))
                .isEqualTo("4c6b1e-G:9-TimeStamp:03/14/2024 09:54:49");
        // The flat JSON form.
        assertThat(UpstreamAttempt.trackingId("{\"errorCode\":429001,\"trackingId\":\"abc123\",\"message\":\"slow\"}"))
                .isEqualTo("abc123");
        // The older named form.
        assertThat(UpstreamAttempt.trackingId("{\"Message\":\"ErrorCode:DeviceNotFound;gone\","
                + "\"ExceptionMessage\":\"Tracking ID:da9db517-G:9-TimeStamp:07/03/2018 16:29:58\"}"))
                .isEqualTo("da9db517-G:9-TimeStamp:07/03/2018 16:29:58");
        assertThat(UpstreamAttempt.trackingId("not an error body")).isNull();
        assertThat(UpstreamAttempt.trackingId(null)).isNull();
    }
}
