package io.hubgate.server;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.hubgate.api.v1.CreateDeviceRequest;
import io.hubgate.api.v1.Device;
import io.hubgate.api.v1.UpdateTwinRequest;
import io.hubgate.server.support.Statuses;
import io.hubgate.server.support.TestGateway;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Whole numbers beyond IoT Hub's ±(2^52 − 1) are refused by the gateway with the field named. */
class TwinIntegerRangeTest {

    @Test
    void integerBeyondIotHubsRange_isAFieldViolation_andTheLargestAllowedOneIsStored() throws Exception {
        try (TestGateway gateway = TestGateway.start()) {
            String id = TestGateway.uniqueId("range");
            gateway.registry().createDevice(CreateDeviceRequest.newBuilder().setDevice(Device.newBuilder().setDeviceId(id)).build());

            assertThatThrownBy(() -> gateway.twins().updateTwin(UpdateTwinRequest.newBuilder().setDeviceId(id)
                    .setDesired(Struct.newBuilder().putFields("big", Value.newBuilder().setNumberValue(4503599627370496d).build()))
                    .build()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                        assertThat(Statuses.violatedFields(e)).containsExactly("desired.big");
                    });
            var twin = gateway.twins().updateTwin(UpdateTwinRequest.newBuilder().setDeviceId(id)
                    .setDesired(Struct.newBuilder().putFields("big", Value.newBuilder().setNumberValue(4503599627370495d).build()))
                    .build());
            assertThat(twin.getDesired().getProperties().getFieldsOrThrow("big").getNumberValue()).isEqualTo(4503599627370495d);
        }
    }
}
