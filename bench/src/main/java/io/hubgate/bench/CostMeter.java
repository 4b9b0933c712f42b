package io.hubgate.bench;

import java.util.List;

/**
 * Charges the CPU spent while a side of a comparison runs: the gateway JVM's (every thread, its
 * GC and JIT included), the emulator's and the client's. Reads before and after each run, so
 * every measured slice carries its own {@link CpuUse}; the figures per operation come from the
 * slices' sums.
 *
 * <p>The emulator runs in the bench's JVM: what is charged to it is the CPU of its own threads
 * (the HTTPS server's dispatcher and workers), which do all its request work. The bench JVM's GC
 * and JIT threads are charged to no one, because they serve the emulator and the Java load alike.
 */
final class CostMeter {

    /** The emulator's HTTPS server threads: {@code iothub-emulator-N} and the JDK server's dispatcher (names cut to 15 characters). */
    static final List<String> EMULATOR_THREADS = List.of("iothub-emulator", "HTTP-Dispatcher");
    /** The Java load's own threads: {@link Load}'s and those of {@link GatewayStubs}' gRPC client. */
    static final List<String> JAVA_LOAD_THREADS = List.of(Load.THREAD_PREFIX);

    private final CpuClock gateway;
    private final CpuClock emulator = CpuClock.threadsOfThisJvm(EMULATOR_THREADS, "emulator threads");
    private final CpuClock javaLoad = CpuClock.threadsOfThisJvm(JAVA_LOAD_THREADS, "Java load threads");

    /** @param gateway the gateway's CPU, or null when it cannot be read apart (a gateway in the bench's JVM) */
    CostMeter(CpuClock gateway) {
        this.gateway = gateway;
    }

    /** The Java load (gateway stubs or direct SDK calls) as the client. */
    Alternation.Side javaSide(Alternation.Side side) {
        return metered(side, javaLoad);
    }

    /** {@code side}, charging the CPU spent while it runs; {@code client} is what drives it. */
    Alternation.Side metered(Alternation.Side side, CpuClock client) {
        return (concurrency, nanos) -> {
            CpuClock.Snapshot gatewayBefore = gateway == null ? null : gateway.snapshot();
            CpuClock.Snapshot emulatorBefore = emulator.snapshot();
            CpuClock.Snapshot clientBefore = client.snapshot();
            Load.Result result = side.run(concurrency, nanos);
            long clientNanos = client.available() ? client.nanosSince(clientBefore) : CpuUse.NOT_MEASURED;
            long emulatorNanos = emulator.available() ? emulator.nanosSince(emulatorBefore) : CpuUse.NOT_MEASURED;
            long gatewayNanos = gateway != null && gateway.available() ? gateway.nanosSince(gatewayBefore) : CpuUse.NOT_MEASURED;
            return result.withCpu(new CpuUse(gatewayNanos, emulatorNanos, clientNanos));
        };
    }
}
