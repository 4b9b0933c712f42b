package io.hubgate.server.observability;

import io.hubgate.api.v1.CreateDeviceRequest;
import io.hubgate.api.v1.Device;
import io.hubgate.api.v1.GetTwinRequest;
import io.hubgate.emulator.faults.FaultKind;
import io.hubgate.emulator.faults.FaultSpec;
import io.hubgate.emulator.http.OperationClass;
import io.hubgate.server.support.AccessLogCapture;
import io.hubgate.server.support.TestGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the log says about an upstream failure the gateway's retry then mended: nothing at ERROR.
 * The gateway counts each attempt (metrics) and logs the call once (its access line); azure-core's
 * HTTP client also logged each failed attempt as an ERROR, a false alarm (log4j2.xml silences it).
 * Through the real gateway on its emulator, which drops the connections.
 */
class UpstreamRetryLogTest {

    @RegisterExtension
    static final TestGateway gateway = TestGateway.perClass();

    @Test
    void twoDroppedConnections_thenARetryThatSucceeds_leaveNoErrorLine() {
        String id = "retried-" + UUID.randomUUID();
        gateway.registry().createDevice(CreateDeviceRequest.newBuilder().setDevice(Device.newBuilder().setDeviceId(id)).build());
        var drops = gateway.hub().faults().add(new FaultSpec(OperationClass.TWIN_READ, FaultKind.DROP, 0, null, null, null, null, 2));
        String requestId = UUID.randomUUID().toString();
        try (AccessLogCapture log = AccessLogCapture.start(true)) {
            gateway.twins().withInterceptors(TestGateway.header("x-request-id", requestId))
                    .getTwin(GetTwinRequest.newBuilder().setDeviceId(id).build());
            String line = log.awaitAccessLine(l -> l.startsWith(requestId), Duration.ofSeconds(10));

            assertThat(drops.fired()).as("both connections were dropped").isEqualTo(2L);
            assertThat(line).contains(" OK ");
            assertThat(log.lines()).noneMatch(l -> l.contains(" ERROR ") || l.startsWith("[jul] SEVERE"));
        } finally {
            gateway.hub().faults().clearFaults();
        }
    }
}
