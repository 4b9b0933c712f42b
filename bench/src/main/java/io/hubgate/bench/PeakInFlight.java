package io.hubgate.bench;

import io.grpc.Status;
import io.hubgate.emulator.IotHubEmulator;
import io.hubgate.emulator.faults.FaultKind;
import io.hubgate.emulator.faults.FaultRule;
import io.hubgate.emulator.faults.FaultSpec;
import io.hubgate.emulator.http.OperationClass;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gateway's memory with many calls in flight: the emulator delays every twin read, the bench
 * fires {@code calls} GetTwin calls at once (no deadline, so each gets the gateway's default
 * budget), and samples the gateway's memory until all are answered. The gateway runs at most
 * --max-concurrent-calls upstream calls at once and queues the rest, so most of them wait inside
 * it: that queue, not the hub, is what the peak measures. The fault is removed at the end.
 */
final class PeakInFlight {

    private static final long SAMPLE_MILLIS = 200;

    /**
     * @param peak       the highest of each figure over all samples (no GC asked for)
     * @param liveAtPeak one reading after a full GC, once every call had been sent and answers were awaited
     * @param inFlightAtLiveReading calls sent and not yet answered when {@code liveAtPeak} was taken
     */
    record Outcome(int calls, Duration latency, int ok, Map<String, Integer> failures, String firstFailure,
                   int maxInFlight, int inFlightAtLiveReading, long allAnsweredNanos, Histogram okMicros, int samples,
                   MemoryProbe.Reading peak, MemoryProbe.Reading liveAtPeak) {

        String summary() {
            return String.format(Locale.ROOT, "%,d GetTwin calls fired at once, twin reads delayed %,d ms by the emulator: "
                            + "%,d answered OK (in p50 %.1f s, max %.1f s), %,d failed%s; at most %,d in flight at the bench; "
                            + "all answered in %.1f s; gateway at peak: RSS %s MB, VmHWM %s MB, heap used %s MB, "
                            + "heap live after GC %s MB (with %,d in flight; %d samples)",
                    calls, latency.toMillis(), ok, okMicros.getValueAtPercentile(50) / 1e6, okMicros.getMaxValue() / 1e6,
                    calls - ok, failures.isEmpty() ? "" : " " + failures,
                    maxInFlight, allAnsweredNanos / 1e9, Report.mb(peak.rssMb()), Report.mb(peak.hwmMb()),
                    Report.mb(peak.heapMb()), Report.mb(liveAtPeak.heapMb()), inFlightAtLiveReading, samples);
        }
    }

    private PeakInFlight() {
    }

    static Outcome run(IotHubEmulator emulator, GatewayStubs stubs, MemoryProbe probe, int calls, Duration latency,
                       int twins) throws InterruptedException {
        FaultRule slowReads = emulator.faults().add(new FaultSpec(OperationClass.TWIN_READ, FaultKind.LATENCY,
                latency.toMillis(), null, null, 1.0, null, null));
        try {
            AtomicInteger inFlight = new AtomicInteger();
            AtomicInteger maxInFlight = new AtomicInteger();
            AtomicInteger ok = new AtomicInteger();
            Map<String, Integer> failures = new ConcurrentHashMap<>();
            StringBuilder firstFailure = new StringBuilder();
            CountDownLatch answered = new CountDownLatch(calls);
            Recorder okMicros = new Recorder(Load.HIGHEST_TRACKABLE_MICROS, Load.SIGNIFICANT_DIGITS);
            long start = System.nanoTime();
            for (int i = 0; i < calls; i++) {
                maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                long sent = System.nanoTime();
                Workload.GET_TWIN.viaGateway(stubs, "peak", i, twins).whenComplete((result, failure) -> {
                    if (failure == null) {
                        ok.incrementAndGet();
                        okMicros.recordValue(Math.min(Load.HIGHEST_TRACKABLE_MICROS, (System.nanoTime() - sent) / 1000));
                    } else {
                        failures.merge(Status.fromThrowable(failure).getCode().name(), 1, Integer::sum);
                        synchronized (firstFailure) {
                            if (firstFailure.isEmpty()) {
                                firstFailure.append(Status.fromThrowable(failure));
                            }
                        }
                    }
                    inFlight.decrementAndGet();
                    answered.countDown();
                });
            }
            MemoryProbe.Reading peak = probe.read();
            MemoryProbe.Reading live = null;
            int inFlightAtLive = 0;
            int samples = 1;
            // Generous: every call could wait its whole default budget (24 s) and more on a busy machine.
            long giveUp = start + TimeUnit.MINUTES.toNanos(3) + latency.toNanos() * calls;
            while (!answered.await(SAMPLE_MILLIS, TimeUnit.MILLISECONDS)) {
                if (live == null && System.nanoTime() - start >= latency.toNanos() / 2) {
                    inFlightAtLive = inFlight.get();
                    live = probe.readAfterGc();
                    peak = peak.max(live);
                } else {
                    peak = peak.max(probe.read());
                }
                samples++;
                if (System.nanoTime() > giveUp) {
                    throw new IllegalStateException(inFlight.get() + " of " + calls + " calls still unanswered");
                }
            }
            long allAnswered = System.nanoTime() - start;
            if (live == null) { // everything answered before a live reading: the calls were too few or too fast
                live = probe.readAfterGc();
            }
            peak = peak.max(probe.read());
            return new Outcome(calls, latency, ok.get(), new TreeMap<>(failures),
                    firstFailure.isEmpty() ? null : firstFailure.toString(), maxInFlight.get(), inFlightAtLive,
                    allAnswered, okMicros.getIntervalHistogram(), samples + 1, peak, live);
        } finally {
            emulator.faults().remove(slowReads.id());
        }
    }
}
