package io.hubgate.server;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.hubgate.api.v1.CreateDeviceRequest;
import io.hubgate.api.v1.Device;
import io.hubgate.api.v1.GetTwinRequest;
import io.hubgate.api.v1.ReplaceTwinRequest;
import io.hubgate.api.v1.Twin;
import io.hubgate.api.v1.TwinServiceGrpc;
import io.hubgate.api.v1.UpdateTwinRequest;
import io.hubgate.server.support.AccessLogCapture;
import io.hubgate.server.support.Statuses;
import io.hubgate.server.support.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static io.hubgate.server.support.Statuses.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * IoT Hub's twin limits (tags 8 KB, desired 32 KB, counted as keys plus values) are enforced on
 * the request before anything converts it, so a huge request of many small keys is refused at
 * once instead of occupying a handler; and a twin at the limit still works, through both paths.
 */
class TwinLimitsTest {

    private static TestGateway gateway;

    @BeforeAll
    static void start() {
        gateway = TestGateway.start();
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
    }

    private static String device(String prefix) {
        String id = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        gateway.registry().createDevice(CreateDeviceRequest.newBuilder().setDevice(Device.newBuilder().setDeviceId(id)).build());
        return id;
    }

    /** {@code count} keys {@code k0 …} each holding a string of {@code valueLength} characters. */
    private static Struct keys(int count, int valueLength) {
        Struct.Builder struct = Struct.newBuilder();
        Value value = Value.newBuilder().setStringValue("v".repeat(valueLength)).build();
        for (int i = 0; i < count; i++) {
            struct.putFields("k" + i, value);
        }
        return struct.build();
    }

    @Test
    void updateTwin_with15000SmallKeys_isInvalidArgument_andLogged() {
        String id = device("many-keys");
        String requestId = "limits-" + UUID.randomUUID();
        try (AccessLogCapture log = AccessLogCapture.start(false)) {
            StatusRuntimeException failure = failureOf(() -> TwinServiceGrpc.newBlockingStub(gateway.channelWith(
                            TestGateway.bearer(gateway.callerToken("c", TestGateway.ALL_ROLES)),
                            TestGateway.header("x-request-id", requestId)))
                    .withDeadlineAfter(60, TimeUnit.SECONDS)
                    .updateTwin(UpdateTwinRequest.newBuilder().setDeviceId(id).setDesired(keys(15_000, 30)).build()));

            assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(Statuses.violatedFields(failure)).containsExactly("desired");
            assertThat(Statuses.badRequest(failure).getFieldViolations(0).getDescription()).contains("32768");
            log.awaitAccessLine(line -> line.startsWith(requestId) && line.contains("INVALID_ARGUMENT"), Duration.ofSeconds(30));
        }
    }

    @Test
    void updateTwin_withAnArrayOfNullsPastTheLimit_isInvalidArgumentNamingDesired_notAcceptedAsEmpty() {
        String id = device("null-array");
        com.google.protobuf.ListValue.Builder nulls = com.google.protobuf.ListValue.newBuilder();
        Value nullValue = Value.newBuilder().setNullValue(com.google.protobuf.NullValue.NULL_VALUE).build();
        for (int i = 0; i < 10_000; i++) {
            nulls.addValues(nullValue);
        }
        Struct desired = Struct.newBuilder().putFields("a", Value.newBuilder().setListValue(nulls).build()).build();

        StatusRuntimeException failure = failureOf(() -> gateway.twins().withDeadlineAfter(60, TimeUnit.SECONDS)
                .updateTwin(UpdateTwinRequest.newBuilder().setDeviceId(id).setDesired(desired).build()));

        assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(Statuses.violatedFields(failure)).containsExactly("desired");
    }

    @Test
    void replaceTwin_withTagsOverEightKilobytes_isInvalidArgumentNamingTags() {
        String id = device("big-tags");

        StatusRuntimeException failure = failureOf(() -> gateway.twins().replaceTwin(ReplaceTwinRequest.newBuilder()
                .setDeviceId(id).setTags(keys(300, 30)).build()));

        assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(Statuses.violatedFields(failure)).containsExactly("tags");
    }

    /**
     * Exactly 32 KB of desired properties (keys plus values): strings of 4,000 bytes under keys
     * {@code k0 …}, the last one cut to fill the limit. (Few large keys: the SDK parses every
     * twin it reads in time quadratic in its key count, see the README's known limits.)
     */
    private static Struct maxLegalDesired() {
        Struct.Builder struct = Struct.newBuilder();
        int bytes = 0;
        for (int i = 0; bytes < 32 * 1024; i++) {
            String key = "k" + i;
            int value = Math.min(4000, 32 * 1024 - bytes - key.length());
            struct.putFields(key, Value.newBuilder().setStringValue("v".repeat(value)).build());
            bytes += key.length() + value;
        }
        return struct.build();
    }

    @Test
    void updateTwin_exactlyAtTheDesiredLimit_isApplied() {
        String id = device("max-twin");
        Struct desired = maxLegalDesired();

        Twin twin = gateway.twins().withDeadlineAfter(60, TimeUnit.SECONDS)
                .updateTwin(UpdateTwinRequest.newBuilder().setDeviceId(id).setDesired(desired).build());

        assertThat(twin.getDesired().getProperties().getFieldsCount()).isEqualTo(desired.getFieldsCount());
        Twin read = gateway.twins().getTwin(GetTwinRequest.newBuilder().setDeviceId(id).build());
        assertThat(read.getDesired().getProperties()).isEqualTo(desired);
    }

    @Test
    void replaceTwin_atTheDesiredLimitWithAnEtag_isApplied() {
        String id = device("max-replace");
        Twin before = gateway.twins().getTwin(GetTwinRequest.newBuilder().setDeviceId(id).build());
        Struct desired = maxLegalDesired();

        Twin twin = gateway.twins().withDeadlineAfter(60, TimeUnit.SECONDS).replaceTwin(ReplaceTwinRequest.newBuilder()
                .setDeviceId(id).setEtag(before.getEtag()).setDesired(desired).build());

        assertThat(twin.getDesired().getProperties()).isEqualTo(desired);
    }
}
