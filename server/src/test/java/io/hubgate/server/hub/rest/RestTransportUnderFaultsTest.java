package io.hubgate.server.hub.rest;

import com.azure.core.credential.AzureSasCredential;
import com.google.gson.JsonObject;
import io.hubgate.emulator.IotHubEmulator;
import io.hubgate.emulator.faults.FaultKind;
import io.hubgate.emulator.faults.FaultSpec;
import io.hubgate.emulator.http.OperationClass;
import io.hubgate.server.support.CredentialFixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The controlled path's transport as it serves (direct executor: answers complete on the JDK
 * client's selector thread; bodies read whole) against the real emulator with faults, many calls
 * at once: slow answers, answers lost after the hub acted, and response timeouts that expire
 * while other calls are waiting must each end that one call (an answer or an IOException, nothing
 * else) and leave the client serving. A deadlock of the selector thread would leave calls hanging:
 * every call here must end before the test's own bound.
 */
class RestTransportUnderFaultsTest {

    private static final int CALLERS = 64;
    private static final int DEVICES = 8;
    private static IotHubEmulator hub;
    private static HubRest rest;
    private static HubRest impatient;

    @BeforeAll
    static void start() throws Exception {
        hub = CredentialFixtures.emulator().build().start();
        var at = hub.coordinates();
        RestTransport transport = RestTransport.withSas(at.hostWithPort(),
                new AzureSasCredential(at.sasToken(IotHubEmulator.OWNER_POLICY, Duration.ofHours(1))),
                CredentialFixtures.TRUST.sslContext());
        rest = HubRest.of(transport, Duration.ofSeconds(20));
        impatient = HubRest.of(transport, Duration.ofMillis(150));
        for (int i = 0; i < DEVICES; i++) {
            JsonObject device = new JsonObject();
            device.addProperty("deviceId", "faults-" + i);
            rest.createDevice(device);
        }
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    @AfterEach
    void clearFaults() {
        hub.faults().clearFaults();
    }

    /** What each call ended with. */
    private record Outcomes(AtomicInteger answered, AtomicInteger timedOut, AtomicInteger noAnswer) {
        Outcomes() {
            this(new AtomicInteger(), new AtomicInteger(), new AtomicInteger());
        }

        int total() {
            return answered.get() + timedOut.get() + noAnswer.get();
        }
    }

    /**
     * {@code calls} GetTwins from each of {@link #CALLERS} threads; with {@code impatient}, every
     * third caller has a 150 ms response timeout (which a loaded machine can miss without faults).
     */
    private static Outcomes getTwinsAtOnce(int calls, boolean impatient) throws Exception {
        Outcomes outcomes = new Outcomes();
        ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < CALLERS; t++) {
                HubRest client = impatient && t % 3 == 0 ? RestTransportUnderFaultsTest.impatient : rest;
                int caller = t;
                done.add(callers.submit(() -> {
                    for (int i = 0; i < calls; i++) {
                        try {
                            assertThat(client.getTwin("faults-" + (caller + i) % DEVICES, "")).contains("\"deviceId\"");
                            outcomes.answered.incrementAndGet();
                        } catch (HttpTimeoutException timeout) {
                            outcomes.timedOut.incrementAndGet();
                        } catch (IOException lost) {
                            outcomes.noAnswer.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> caller : done) {
                caller.get(2, TimeUnit.MINUTES); // a call failing any other way fails here
            }
        } finally {
            callers.shutdownNow();
        }
        return outcomes;
    }

    @Test
    void sixtyFourCallersThroughSlowAndLostAnswersAndTimeouts_allEnd_andTheClientStillServesThemAll() throws Exception {
        hub.faults().add(new FaultSpec(OperationClass.TWIN_READ, FaultKind.LATENCY, 400, null, null, 0.2, 11L, null));
        hub.faults().add(new FaultSpec(OperationClass.TWIN_READ, FaultKind.DROP_AFTER, 0, null, null, 0.15, 12L, null));

        Outcomes faulted = getTwinsAtOnce(8, true);

        assertThat(faulted.total()).isEqualTo(CALLERS * 8);
        assertThat(faulted.answered.get()).as("most calls meet no fault").isPositive();
        assertThat(faulted.timedOut.get()).as("the 150 ms callers meet 400 ms answers").isPositive();

        hub.faults().clearFaults();
        Outcomes after = getTwinsAtOnce(4, false);
        assertThat(after.answered.get()).as("every call answered once the faults are gone").isEqualTo(CALLERS * 4);
    }

    @Test
    void aWriteWhoseAnswerIsLost_failsWithIOException_andIsAppliedOnce_whileOtherCallsAreServed() throws Exception {
        hub.faults().add(new FaultSpec(OperationClass.REGISTRY, FaultKind.DROP_AFTER, 0, null, null, null, null, 1));
        JsonObject device = new JsonObject();
        device.addProperty("deviceId", CredentialFixtures.uniqueId("lost"));

        Outcomes meanwhile = new Outcomes();
        Thread readers = new Thread(() -> {
            try {
                meanwhile.answered.addAndGet(getTwinsAtOnce(2, false).answered.get());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        readers.start();
        IOException lost = null;
        try {
            rest.createDevice(device);
        } catch (IOException e) {
            lost = e;
        }
        readers.join(TimeUnit.MINUTES.toMillis(2));

        // A resend would have met the device the first request made and answered 409 instead.
        assertThat(lost).as("the JDK client does not resend a PUT whose answer was lost").isNotNull();
        assertThat(hub.store().get(device.get("deviceId").getAsString())).as("the one request created it").isNotNull();
        assertThat(meanwhile.answered.get()).isEqualTo(CALLERS * 2);
    }
}
