package io.hubgate.server.hub;

import com.google.gson.JsonObject;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.hubgate.api.v1.CreateDeviceRequest;
import io.hubgate.api.v1.Device;
import io.hubgate.emulator.faults.FaultKind;
import io.hubgate.emulator.faults.FaultSpec;
import io.hubgate.emulator.http.Operation;
import io.hubgate.emulator.http.OperationClass;
import io.hubgate.server.hub.rest.HubRest;
import io.hubgate.server.support.Statuses;
import io.hubgate.server.support.TestGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The controlled path of one attempt against the real emulator, on a deadline whose clock the
 * test moves: every request waits only the time left when it is sent, and none is sent once the
 * deadline has passed. An attempt of several requests (UpdateDevice's read-modify-write, a create
 * that reads after a 409) must not outlive the caller's deadline, nor write after it.
 */
class RestDeadlineTest {

    @RegisterExtension
    static final TestGateway gateway = TestGateway.perClass();

    /** A clock that only moves when the test says so. */
    private static final class TestTicker extends Deadline.Ticker {
        private final AtomicLong now = new AtomicLong();

        @Override
        public long nanoTime() {
            return now.get();
        }

        void advance(Duration by) {
            now.addAndGet(by.toNanos());
        }
    }

    private final TestTicker ticker = new TestTicker();

    @AfterEach
    void clearFaults() {
        gateway.hub().faults().clearFaults();
    }

    private static String device() {
        String id = TestGateway.uniqueId("deadline");
        gateway.registry().createDevice(CreateDeviceRequest.newBuilder().setDevice(Device.newBuilder().setDeviceId(id)).build());
        return id;
    }

    private HubRest attempt(Duration deadline, boolean earlierMayApply) {
        return gateway.gateway().hub().clients().rest(Deadline.after(deadline.toNanos(), TimeUnit.NANOSECONDS, ticker),
                Duration.ZERO, earlierMayApply);
    }

    private static long writes() {
        return gateway.hub().requestCounts().count(Operation.CREATE_OR_UPDATE_DEVICE);
    }

    @Test
    void aWriteAfterTheDeadlinePassedMidAttempt_isNotSent_andAnswersDeadlineExceeded() throws Exception {
        String id = device();
        HubRest rest = attempt(Duration.ofSeconds(10), false);
        JsonObject current = rest.getDevice(id);
        long writesBefore = writes();

        ticker.advance(Duration.ofSeconds(10)); // the read used the whole deadline
        current.addProperty("status", "disabled");
        String etag = current.get("etag").getAsString();

        StatusRuntimeException refused = Statuses.failureOf(() -> rest.updateDevice(current, etag));
        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        assertThat(Statuses.errorInfo(refused).getReason()).isEqualTo("DEADLINE_PASSED");
        assertThat(writes()).as("no PUT reached the hub").isEqualTo(writesBefore);
        assertThat(gateway.gateway().hub().clients().rest(Duration.ofSeconds(10)).getDevice(id).get("etag").getAsString())
                .as("the device is as it was").isEqualTo(etag);
    }

    @Test
    void aRequestNotSentAfterAnEarlierAttemptLostItsAnswer_saysTheOutcomeIsUnknown() {
        String id = device();
        HubRest rest = attempt(Duration.ofSeconds(1), true);
        ticker.advance(Duration.ofSeconds(2));

        StatusRuntimeException refused = Statuses.failureOf(() -> rest.getDevice(id));
        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        assertThat(Statuses.errorInfo(refused).getReason()).isEqualTo(HubErrorMapper.OUTCOME_UNKNOWN);
        assertThat(refused.getStatus().getDescription()).contains("read the resource before retrying");
    }

    @Test
    void aLaterRequest_waitsOnlyTheTimeLeftWhenItIsSent_notTheAttemptsWholeBudget() throws Exception {
        String id = device();
        HubRest rest = attempt(Duration.ofSeconds(30), false);
        rest.getDevice(id);

        ticker.advance(Duration.ofMillis(29_500)); // half a second left
        gateway.hub().faults().add(new FaultSpec(OperationClass.REGISTRY, FaultKind.LATENCY, 5_000, null, null, null, null, 1));

        // With the attempt's whole 30 s as its timeout, the read would wait out the 5 s and answer.
        assertThatThrownBy(() -> rest.getDevice(id)).isInstanceOf(HttpTimeoutException.class);
    }
}
