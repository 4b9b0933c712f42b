package io.hubgate.server.observability;

import com.nimbusds.jwt.JWTClaimsSet;
import io.grpc.Context;
import io.grpc.Status;
import io.hubgate.api.v1.GetRegistryStatisticsRequest;
import io.hubgate.api.v1.GetTwinRequest;
import io.hubgate.api.v1.RegistryServiceGrpc;
import io.hubgate.api.v1.TwinServiceGrpc;
import io.hubgate.emulator.entra.DefaultDirectory;
import io.hubgate.emulator.entra.EntraCoordinates;
import io.hubgate.emulator.faults.FaultKind;
import io.hubgate.emulator.faults.FaultRule;
import io.hubgate.emulator.faults.FaultSpec;
import io.hubgate.server.support.AccessLogCapture;
import io.hubgate.server.support.Statuses;
import io.hubgate.server.support.TestGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The access log has one line per call whatever its outcome, and no value can forge a line. */
class AccessLogTest {

    @RegisterExtension
    static final TestGateway gateway = TestGateway.perClass();

    private static String requestId() {
        return "log-" + UUID.randomUUID();
    }

    @Test
    void claimsWithNewlines_cannotForgeAccessLogLines() {
        EntraCoordinates entra = gateway.hub().coordinates().entra();
        Instant now = Instant.now();
        String forged = "evil\n[main] INFO hubgate.access - forged-line admin hubgate.v1.RegistryService/DeleteDevice OK 1us";
        String token = entra.sign(new JWTClaimsSet.Builder().issuer(entra.issuer()).audience(DefaultDirectory.API_URI)
                .subject("x").claim("oid", forged).claim("azp", "app\r\nINFO forged-too").claim("tid", entra.tenantId())
                .claim("roles", List.of("Registry.Read")).issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofMinutes(10)))).build());
        String id = requestId();
        try (AccessLogCapture log = AccessLogCapture.start(true)) {
            RegistryServiceGrpc.newBlockingStub(gateway.channelWith(TestGateway.bearer(token), TestGateway.header("x-request-id", id)))
                    .getRegistryStatistics(GetRegistryStatisticsRequest.getDefaultInstance());
            String line = log.awaitAccessLine(l -> l.startsWith(id), Duration.ofSeconds(10));
            assertThat(line).contains("jwt:evil\\n[main] INFO hubgate.access - forged-line").contains("app\\r\\nINFO forged-too");
            assertThat(log.lines()).noneMatch(l -> l.startsWith("[main] INFO hubgate.access - forged-line"));
            assertThat(log.lines()).noneMatch(l -> l.startsWith("INFO forged-too"));
        }
    }

    @Test
    void aCallTheClientCancels_isLogged() throws Exception {
        FaultRule slow = gateway.hub().faults().add(new FaultSpec(null, FaultKind.LATENCY, 3_000, null, null, 1.0, null, null));
        String id = requestId();
        try (AccessLogCapture log = AccessLogCapture.start(true)) {
            Context.CancellableContext cancellable = Context.current().withCancellation();
            Thread canceller = new Thread(() -> {
                try {
                    // Cancel once the call has surely reached the gateway: its request is in the hub's slow fault.
                    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1)).until(() -> slow.fired() > 0);
                } finally {
                    cancellable.cancel(null);
                }
            });
            canceller.start();
            Status status = cancellable.call(() -> Statuses.failureOf(() -> TwinServiceGrpc.newBlockingStub(
                            gateway.channelWith(TestGateway.bearer(gateway.callerToken("c", TestGateway.ALL_ROLES)),
                                    TestGateway.header("x-request-id", id)))
                    .getTwin(GetTwinRequest.newBuilder().setDeviceId("cancelled-" + UUID.randomUUID()).build())).getStatus());
            canceller.join();
            assertThat(status.getCode()).isEqualTo(Status.Code.CANCELLED);
            assertThat(log.awaitAccessLine(l -> l.startsWith(id), Duration.ofSeconds(10))).contains("CANCELLED");
        } finally {
            gateway.hub().faults().remove(slow.id());
        }
    }

    @Test
    void aCallWhoseDeadlinePasses_isLogged() {
        FaultRule slow = gateway.hub().faults().add(new FaultSpec(null, FaultKind.LATENCY, 3_000, null, null, 1.0, null, null));
        String id = requestId();
        try (AccessLogCapture log = AccessLogCapture.start(true)) {
            Status status = Statuses.failureOf(() -> TwinServiceGrpc.newBlockingStub(gateway.channelWith(
                            TestGateway.bearer(gateway.callerToken("d", TestGateway.ALL_ROLES)), TestGateway.header("x-request-id", id)))
                    .withDeadlineAfter(300, TimeUnit.MILLISECONDS)
                    .getTwin(GetTwinRequest.newBuilder().setDeviceId("late-" + UUID.randomUUID()).build())).getStatus();
            assertThat(status.getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
            assertThat(log.awaitAccessLine(l -> l.startsWith(id), Duration.ofSeconds(10))).containsPattern("DEADLINE_EXCEEDED|CANCELLED");
        } finally {
            gateway.hub().faults().remove(slow.id());
        }
    }
}
