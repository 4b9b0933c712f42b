package io.hubgate.server.hub;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import org.junit.jupiter.api.Test;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one mapping from upstream failures to gRPC statuses, for both paths: the code, the
 * ErrorInfo reason and domain, the numeric IoT Hub code, and RetryInfo from the hub's own
 * Retry-After when the controlled path saw one.
 */
class HubErrorMapperTest {

    private static <T extends com.google.protobuf.Message> T detail(StatusRuntimeException status, Class<T> type) {
        for (com.google.protobuf.Any any : StatusProto.fromThrowable(status).getDetailsList()) {
            if (any.is(type)) {
                try {
                    return any.unpack(type);
                } catch (InvalidProtocolBufferException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return null;
    }

    private static void assertMapped(Throwable failure, Status.Code code, String reason, String domain) {
        StatusRuntimeException status = HubErrorMapper.map(failure);
        assertThat(status.getStatus().getCode()).as(failure.toString()).isEqualTo(code);
        ErrorInfo info = detail(status, ErrorInfo.class);
        assertThat(info).as(failure.toString()).isNotNull();
        assertThat(info.getReason()).as(failure.toString()).isEqualTo(reason);
        assertThat(info.getDomain()).as(failure.toString()).isEqualTo(domain);
    }

    @Test
    void iotHubAnswers_fromEitherPath_mapByHttpStatus_withTheHubsReasonAndCode() {
        assertMapped(new IotHubException(400004, "bad"), Status.Code.INVALID_ARGUMENT, "ArgumentInvalid", HubErrorMapper.DOMAIN);
        assertMapped(new IotHubException(401003, "no role"), Status.Code.INTERNAL, "IotHubUnauthorized", HubErrorMapper.DOMAIN);
        assertMapped(new IotHubException(403002, "quota"), Status.Code.RESOURCE_EXHAUSTED, "IotHubQuotaExceeded", HubErrorMapper.DOMAIN);
        assertMapped(new HubErrorResponse(404, 404001, "gone", null), Status.Code.NOT_FOUND, "DeviceNotFound", HubErrorMapper.DOMAIN);
        assertMapped(new HubErrorResponse(409, 409001, "there", null), Status.Code.ALREADY_EXISTS, "DeviceAlreadyExists", HubErrorMapper.DOMAIN);
        assertMapped(new HubErrorResponse(412, 412001, "stale", null), Status.Code.ABORTED, "PreconditionFailed", HubErrorMapper.DOMAIN);
        assertMapped(new HubErrorResponse(413, 413003, "many", null), Status.Code.RESOURCE_EXHAUSTED, "TooManyModulesOnDevice", HubErrorMapper.DOMAIN);
        assertMapped(new IotHubException(503001, "busy"), Status.Code.UNAVAILABLE, "ServiceUnavailable", HubErrorMapper.DOMAIN);
        assertMapped(new IotHubException(504101, "device slow"), Status.Code.DEADLINE_EXCEEDED, "GatewayTimeout", HubErrorMapper.DOMAIN);
        assertMapped(new IotHubException(418, "teapot"), Status.Code.UNKNOWN, "IotHubError", HubErrorMapper.DOMAIN);
        assertThat(detail(HubErrorMapper.map(new HubErrorResponse(404, 404001, "gone", null)), ErrorInfo.class).getMetadataMap())
                .containsEntry("iotHubErrorCode", "404001");
        assertThat(detail(HubErrorMapper.map(new HubErrorResponse(404, 404001, "gone", null)), RetryInfo.class)).isNull();
    }

    @Test
    void anSdkExceptionWithOnlyTheHttpStatus_getsItsCodeBackFromTheNameInItsMessage() {
        // What the Java SDK makes of the service's named form (azure-iot-sdk-java #1108).
        StatusRuntimeException status = HubErrorMapper.map(new IotHubException(404,
                "ErrorCode:DeviceNotFound;Device d1 not registered Tracking ID:1bc30319a4294a7d89ba1511f14f0b5b-G:20-TimeStamp:02/05/2021 10:03:38"));

        assertThat(status.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(detail(status, ErrorInfo.class).getReason()).isEqualTo("DeviceNotFound");
        assertThat(detail(status, ErrorInfo.class).getMetadataMap()).containsEntry("iotHubErrorCode", "404001");
        assertThat(status.getStatus().getDescription()).isEqualTo("Device d1 not registered");
        assertMapped(new IotHubException(401, "ErrorCode:IotHubUnauthorizedAccess;Unauthorized Tracking ID:x"),
                Status.Code.INTERNAL, "IotHubUnauthorizedAccess", HubErrorMapper.DOMAIN);
        assertMapped(new IotHubException(429, "ErrorCode:ThrottlingException;slow down"),
                Status.Code.RESOURCE_EXHAUSTED, "ThrottlingException", HubErrorMapper.DOMAIN);
    }

    @Test
    void aNameTheGatewayDoesNotKnow_orOfAnotherStatus_leavesTheStatusAlone() {
        StatusRuntimeException unknown = HubErrorMapper.map(new IotHubException(429,
                "ErrorCode:ThrottlingMaxActiveJobCountExceeded;429 Tracking ID:x"));
        assertThat(detail(unknown, ErrorInfo.class).getReason()).isEqualTo("ThrottlingException");
        assertThat(detail(unknown, ErrorInfo.class).getMetadataMap()).containsEntry("iotHubErrorCode", "429");
        assertThat(unknown.getStatus().getDescription()).isEqualTo("429");

        StatusRuntimeException mismatched = HubErrorMapper.map(new IotHubException(404, "ErrorCode:DeviceAlreadyExists;odd"));
        assertThat(mismatched.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(detail(mismatched, ErrorInfo.class).getReason()).isEqualTo("NotFound");

        StatusRuntimeException sixDigits = HubErrorMapper.map(new IotHubException(404103, "ErrorCode:DeviceNotFound;x"));
        assertThat(detail(sixDigits, ErrorInfo.class).getReason()).as("a six-digit code from the SDK wins")
                .isEqualTo("DeviceNotOnline");
        assertThat(HubErrorMapper.map(new IotHubException(404, "ErrorCode:;nameless")).getStatus().getDescription())
                .isEqualTo("ErrorCode:;nameless");
    }

    @Test
    void throttling_carriesTheHubsRetryAfter_orTheConservativeSdkDelayWhenThePathCouldNotSeeIt() {
        RetryInfo fromHub = detail(HubErrorMapper.map(new HubErrorResponse(429, 429001, "slow down", Duration.ofSeconds(7))), RetryInfo.class);
        RetryInfo guessed = detail(HubErrorMapper.map(new IotHubException(429001, "slow down")), RetryInfo.class);
        assertThat(fromHub.getRetryDelay().getSeconds()).isEqualTo(7);
        assertThat(guessed.getRetryDelay().getSeconds()).isEqualTo(HubErrorMapper.SDK_THROTTLE_RETRY_DELAY.getSeconds());
        assertThat(HubErrorMapper.retryAfter(new CompletionException(new HubErrorResponse(429, 429001, "x", Duration.ofSeconds(3)))))
                .isEqualTo(Duration.ofSeconds(3));
        assertThat(HubErrorMapper.retryAfter(new IotHubException(429001, "x"))).isNull();
    }

    @Test
    void failuresWithoutAnAnswer_areTheGatewaysOwn() {
        assertMapped(new SocketTimeoutException("slow"), Status.Code.DEADLINE_EXCEEDED, "UPSTREAM_TIMEOUT", HubErrorMapper.GATEWAY_DOMAIN);
        assertMapped(new HttpTimeoutException("slow"), Status.Code.DEADLINE_EXCEEDED, "UPSTREAM_TIMEOUT", HubErrorMapper.GATEWAY_DOMAIN);
        assertMapped(new HttpConnectTimeoutException("no route"), Status.Code.UNAVAILABLE, "UPSTREAM_UNREACHABLE", HubErrorMapper.GATEWAY_DOMAIN);
        assertMapped(new ConnectException("refused"), Status.Code.UNAVAILABLE, "UPSTREAM_UNREACHABLE", HubErrorMapper.GATEWAY_DOMAIN);
        assertMapped(new UnknownHostException("nowhere"), Status.Code.UNAVAILABLE, "UPSTREAM_UNREACHABLE", HubErrorMapper.GATEWAY_DOMAIN);
        assertMapped(new javax.net.ssl.SSLHandshakeException("untrusted"), Status.Code.UNAVAILABLE, "UPSTREAM_TLS_FAILED", HubErrorMapper.GATEWAY_DOMAIN);
        assertMapped(new EOFException("closed"), Status.Code.UNAVAILABLE, "UPSTREAM_IO_ERROR", HubErrorMapper.GATEWAY_DOMAIN);
        assertMapped(new ExecutionException(new IOException("reset")), Status.Code.UNAVAILABLE, "UPSTREAM_IO_ERROR", HubErrorMapper.GATEWAY_DOMAIN);
        assertMapped(new IllegalStateException("bug"), Status.Code.INTERNAL, "INTERNAL", HubErrorMapper.GATEWAY_DOMAIN);
        assertThat(HubErrorMapper.map(new CancellationException()).getStatus().getCode()).isEqualTo(Status.Code.CANCELLED);
        StatusRuntimeException already = Status.PERMISSION_DENIED.asRuntimeException();
        assertThat(HubErrorMapper.map(new CompletionException(already))).isSameAs(already);
    }

    @Test
    void aLostAnswer_isUnavailableWithOutcomeUnknown_namingWhatFailed() {
        StatusRuntimeException unknown = HubErrorMapper.outcomeUnknown(new CompletionException(new EOFException("closed early")));
        assertThat(unknown.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(unknown.getStatus().getDescription()).contains("EOFException: closed early", "read the resource before retrying");
        assertThat(detail(unknown, ErrorInfo.class).getReason()).isEqualTo(HubErrorMapper.OUTCOME_UNKNOWN);
        assertThat(detail(unknown, ErrorInfo.class).getDomain()).isEqualTo(HubErrorMapper.GATEWAY_DOMAIN);
    }

    @Test
    void aBulkItemsErrorName_mapsAsItsCodeWould_andAnUnknownNameIsABulkFailure() {
        StatusRuntimeException exists = HubErrorMapper.fromErrorName("DeviceAlreadyExists", "already there");
        assertThat(exists.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
        assertThat(detail(exists, ErrorInfo.class).getMetadataMap()).containsEntry("iotHubErrorCode", "409001");
        assertThat(exists.getStatus().getDescription()).isEqualTo("already there");
        StatusRuntimeException unknown = HubErrorMapper.fromErrorName("SomethingNew", "");
        assertThat(unknown.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(detail(unknown, ErrorInfo.class).getReason()).isEqualTo("BulkRegistryOperationFailure");
        assertThat(unknown.getStatus().getDescription()).isEqualTo("SomethingNew");
    }

    @Test
    void theHubsSentence_isTakenOutOfItsJsonBody() {
        assertThat(HubErrorMapper.hubMessage("{\"errorCode\":404001,\"message\":\"Device x not found\"}", "DeviceNotFound"))
                .isEqualTo("Device x not found");
        assertThat(HubErrorMapper.hubMessage("{\"Message\":\"ErrorCode:DeviceAlreadyExists;Conflict\"}", "DeviceAlreadyExists"))
                .isEqualTo("Conflict");
        assertThat(HubErrorMapper.hubMessage("plain text", "X")).isEqualTo("plain text");
        assertThat(HubErrorMapper.hubMessage("{\"other\":1}", "Fallback")).isEqualTo("{\"other\":1}");
        assertThat(HubErrorMapper.hubMessage("  ", "Fallback")).isEqualTo("Fallback");
        assertThat(HubErrorMapper.hubMessage(null, "Fallback")).isEqualTo("Fallback");
    }

    @Test
    void wrappedFailures_areJudgedByWhatTheyWrap() {
        assertThat(HubErrorMapper.isTransient(new ExecutionException(new IOException("reset")))).isTrue();
        assertThat(HubErrorMapper.isTransient(new ExecutionException(new SocketTimeoutException("slow")))).isFalse();
        assertThat(RetryPolicy.outcomeUnknown(new ExecutionException(new EOFException("closed")))).isTrue();
        assertThat(RetryPolicy.shouldRetry(new ExecutionException(new ConnectException("refused")),
                RetryPolicy.Repeatability.NOT_REPEATABLE, 1)).isTrue();
    }
}
