package io.hubgate.server.errors;

import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.hubgate.server.support.Statuses;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Every status the gateway makes: its code, ErrorInfo, details, and a size every client accepts. */
class GatewayStatusTest {

    private static BadRequest.FieldViolation violation(String field, String description) {
        return BadRequest.FieldViolation.newBuilder().setField(field).setDescription(description).build();
    }

    @Test
    void ofAndBuild_carryCodeMessageAndErrorInfo() {
        StatusRuntimeException status = GatewayStatus.of(Code.ABORTED, "stale", "PreconditionFailed");
        assertThat(status.getStatus().getCode()).isEqualTo(Status.Code.ABORTED);
        assertThat(status.getStatus().getDescription()).isEqualTo("stale");
        ErrorInfo info = Statuses.errorInfo(status);
        assertThat(info.getDomain()).isEqualTo("hubgate.io");
        assertThat(info.getReason()).isEqualTo("PreconditionFailed");
        assertThat(Statuses.retryInfo(status)).isNull();

        StatusRuntimeException hub = GatewayStatus.build(Code.NOT_FOUND, "gone", "azure-devices.net", "DeviceNotFound",
                Map.of("iotHubErrorCode", "404001"), null);
        assertThat(Statuses.errorInfo(hub).getMetadataMap()).containsEntry("iotHubErrorCode", "404001");
        assertThat(Statuses.errorInfo(hub).getDomain()).isEqualTo("azure-devices.net");
    }

    @Test
    void invalidFields_nameEachField_inBadRequestAndMessage() {
        StatusRuntimeException one = GatewayStatus.invalidFields(List.of(violation("etag", "bad")));
        assertThat(one.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(one.getStatus().getDescription()).isEqualTo("etag: bad");
        assertThat(Statuses.errorInfo(one).getReason()).isEqualTo("INVALID_REQUEST");
        StatusRuntimeException two = GatewayStatus.invalidFields(List.of(violation("a", "x"), violation("b", "y")));
        assertThat(two.getStatus().getDescription()).isEqualTo("2 invalid fields: a: x; b: y");
        assertThat(Statuses.violatedFields(two)).containsExactly("a", "b");
    }

    @Test
    void statuses_stayWithinWhatClientsAcceptInTrailers() {
        List<BadRequest.FieldViolation> many = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            many.add(violation("requests[" + i + "].device.device_id." + "x".repeat(500), "the device id '" + "é".repeat(3000) + "' appears twice"));
        }
        StatusRuntimeException huge = GatewayStatus.invalidFields(many);
        assertThat(huge.getStatus().getDescription()).hasSizeLessThanOrEqualTo(GatewayStatus.MAX_MESSAGE_CHARS).endsWith("…");
        com.google.rpc.Status rich = io.grpc.protobuf.StatusProto.fromThrowable(huge);
        assertThat(rich.getSerializedSize()).isLessThan(GatewayStatus.MAX_BAD_REQUEST_BYTES + GatewayStatus.MAX_MESSAGE_CHARS * 3 + 200);
        List<String> fields = Statuses.violatedFields(huge);
        assertThat(fields.get(fields.size() - 1)).isEqualTo("…");
        BadRequest shown = io.hubgate.server.support.Statuses.badRequest(huge);
        assertThat(shown.getFieldViolations(fields.size() - 1).getDescription())
                .isEqualTo((500 - (fields.size() - 1)) + " more invalid fields not shown");
        assertThat(fields.get(0)).hasSizeLessThanOrEqualTo(GatewayStatus.MAX_DETAIL_CHARS);
        StatusRuntimeException long_ = GatewayStatus.of(Code.NOT_FOUND, "m".repeat(10_000), "R");
        assertThat(long_.getStatus().getDescription()).hasSize(GatewayStatus.MAX_MESSAGE_CHARS);
    }

    @Test
    void aFewSmallViolations_areAllShown() {
        List<BadRequest.FieldViolation> few = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            few.add(violation("f" + i, "d"));
        }
        assertThat(Statuses.violatedFields(GatewayStatus.invalidFields(few))).hasSize(20).doesNotContain("…");
    }

    @Test
    void cut_keepsShortTextAndNeverSplitsASurrogatePair() {
        assertThat(GatewayStatus.cut("abc", 3)).isEqualTo("abc");
        assertThat(GatewayStatus.cut("abcd", 3)).isEqualTo("ab…");
        assertThat(GatewayStatus.cut("a😀bc", 3)).isEqualTo("a…");
    }

    @Test
    void missingRole_namesTheRolesSorted_andTheMethod() {
        StatusRuntimeException denied = GatewayStatus.missingRole("hubgate.v1.X/Y", "needs", Set.of("b", "a"));
        assertThat(denied.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(Statuses.errorInfo(denied).getReason()).isEqualTo("MISSING_ROLE");
        assertThat(Statuses.errorInfo(denied).getMetadataMap()).containsEntry("requiredRoles", "a,b").containsEntry("method", "hubgate.v1.X/Y");
    }

    @Test
    void capacityRefusals_carryRetryInfo() {
        StatusRuntimeException full = GatewayStatus.atCapacity("full", Duration.ofMillis(1500));
        assertThat(full.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(Statuses.errorInfo(full).getReason()).isEqualTo("GATEWAY_AT_CAPACITY");
        assertThat(Statuses.retryInfo(full).getRetryDelay().getSeconds()).isEqualTo(1);
        assertThat(Statuses.retryInfo(full).getRetryDelay().getNanos()).isEqualTo(500_000_000);
    }

    @Test
    void theOtherShapes_haveTheirCodesAndReasons() {
        assertThat(GatewayStatus.unauthenticated("TOKEN_EXPIRED", "old").getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(Statuses.errorInfo(GatewayStatus.unauthenticated("TOKEN_EXPIRED", "old")).getReason()).isEqualTo("TOKEN_EXPIRED");
        assertThat(GatewayStatus.malformedRequest("bytes").getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(Statuses.errorInfo(GatewayStatus.malformedRequest("bytes")).getReason()).isEqualTo("MALFORMED_REQUEST");
        assertThat(GatewayStatus.fault("bug").getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(Statuses.errorInfo(GatewayStatus.fault("bug")).getReason()).isEqualTo("INTERNAL");
    }
}
