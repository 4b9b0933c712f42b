package io.hubgate.emulator.support;

import com.microsoft.azure.sdk.iot.service.exceptions.IotHubException;
import io.hubgate.emulator.http.HubErrorCode;
import org.assertj.core.api.ThrowingConsumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the Java SDK makes of an error answer, for {@code assertThatThrownBy(…).satisfies(…)}.
 *
 * <p>The service words registry, twin, query, bulk and job errors in its named form
 * ({@code {"Message":"ErrorCode:DeviceNotFound;…","ExceptionMessage":"Tracking ID:…"}}), in which
 * the SDK's parser finds no six-digit code: its {@code IotHubException} then carries the HTTP
 * status as the code and {@code "ErrorCode:DeviceNotFound;<message> Tracking ID:…"} as the message
 * (azure-iot-sdk-java #1108). Direct-method errors come in the JSON form, from which the SDK reads
 * the six-digit code itself.
 */
public final class SdkErrors {

    private SdkErrors() {
    }

    /** The SDK saw {@code error} in the named form: the HTTP status as its code, the name in its message. */
    public static ThrowingConsumer<Throwable> named(HubErrorCode error) {
        return thrown -> {
            assertThat(thrown).isInstanceOf(IotHubException.class);
            assertThat(((IotHubException) thrown).getErrorCode()).as(thrown.getMessage()).isEqualTo(error.httpStatus());
            assertThat(thrown.getMessage()).startsWith("ErrorCode:" + error.errorName() + ";");
        };
    }

    /** The SDK saw {@code error} in the JSON form: the six-digit code itself. */
    public static ThrowingConsumer<Throwable> sixDigit(HubErrorCode error) {
        return thrown -> {
            assertThat(thrown).isInstanceOf(IotHubException.class);
            assertThat(((IotHubException) thrown).getErrorCode()).as(thrown.getMessage()).isEqualTo(error.code());
        };
    }
}
