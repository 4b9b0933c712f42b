package io.hubgate.emulator;

import com.microsoft.azure.sdk.iot.service.exceptions.IotHubConflictException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubPreconditionFailedException;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import com.microsoft.azure.sdk.iot.service.twin.Twin;
import com.microsoft.azure.sdk.iot.service.twin.TwinClient;
import io.hubgate.emulator.support.TestHub;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Many writers at once through the official SDK: etags make read-modify-write safe; creates race cleanly. */
class ConcurrentWritersTest {

    private static final int WRITERS = 8;
    private static final int INCREMENTS_PER_WRITER = 25;

    private static RegistryClient registry;
    private static TwinClient twins;

    @BeforeAll
    static void connect() {
        registry = new RegistryClient(TestHub.coordinates().hostWithPort(), TestHub.sas("iothubowner"));
        twins = new TwinClient(TestHub.coordinates().hostWithPort(), TestHub.sas("iothubowner"));
    }

    @Test
    void etagCheckedIncrements_fromManyWriters_loseNoUpdate() throws Exception {
        String id = registry.addDevice(new Device(TestHub.uniqueId("counter"))).getDeviceId();
        Twin start = new Twin(id);
        start.getDesiredProperties().put("counter", 0);
        twins.patch(start);
        AtomicInteger conflicts = new AtomicInteger();

        runConcurrently(WRITERS, () -> {
            for (int i = 0; i < INCREMENTS_PER_WRITER; i++) {
                while (true) {
                    Twin current = twins.get(id);
                    int value = ((Number) current.getDesiredProperties().get("counter")).intValue();
                    Twin patch = new Twin(id);
                    patch.getDesiredProperties().put("counter", value + 1);
                    try {
                        twins.patch(patch, current.getETag());
                        break;
                    } catch (IotHubPreconditionFailedException lostTheRace) {
                        conflicts.incrementAndGet();
                    }
                }
            }
            return null;
        });

        Twin end = twins.get(id);
        assertThat(((Number) end.getDesiredProperties().get("counter")).intValue()).isEqualTo(WRITERS * INCREMENTS_PER_WRITER);
        assertThat(end.getDesiredProperties().getVersion()).isEqualTo(1 + 1 + WRITERS * INCREMENTS_PER_WRITER);
    }

    @Test
    void concurrentCreatesOfOneId_exactlyOneWins() throws Exception {
        String id = TestHub.uniqueId("race");
        AtomicInteger created = new AtomicInteger();
        AtomicInteger conflicted = new AtomicInteger();

        runConcurrently(WRITERS, () -> {
            try {
                registry.addDevice(new Device(id));
                created.incrementAndGet();
            } catch (IotHubConflictException alreadyThere) {
                conflicted.incrementAndGet();
            }
            return null;
        });

        assertThat(created.get()).isEqualTo(1);
        assertThat(conflicted.get()).isEqualTo(WRITERS - 1);
    }

    @Test
    void unconditionalPatchesOfDifferentKeys_allLand() throws Exception {
        String id = registry.addDevice(new Device(TestHub.uniqueId("keys"))).getDeviceId();
        AtomicInteger writer = new AtomicInteger();

        runConcurrently(WRITERS, () -> {
            int me = writer.getAndIncrement();
            for (int i = 0; i < 10; i++) {
                Twin patch = new Twin(id);
                patch.getTags().put("w" + me + "_" + i, i);
                twins.patch(patch);
            }
            return null;
        });

        assertThat(twins.get(id).getTags()).hasSize(WRITERS * 10);
        assertThat(twins.get(id).getVersion()).isEqualTo(1 + WRITERS * 10);
    }

    private static void runConcurrently(int threads, Callable<Void> work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Void>> futures = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            futures.add(pool.submit(() -> {
                start.await();
                return work.call();
            }));
        }
        start.countDown();
        for (Future<Void> future : futures) {
            future.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
    }
}
