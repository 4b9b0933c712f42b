package io.hubgate.bench;

import java.time.Duration;

/**
 * Two ways of doing the same thing measured fairly against each other at one concurrency: an
 * unmeasured warm-up of each (first, then second), then {@code rounds} rounds in the order
 * second, first | first, second | second, first …, the measured time split evenly over them, so
 * that a slow moment of the machine hits both.
 *
 * <p>Why the order turns: a side measured right after the other one ran is slower than one
 * measured right after itself (its threads and caches went cold meanwhile). With plain
 * first, second, first, second, the first side always came after the other, and two identical
 * gateways measured 0.6–0.7× each other, whichever went first. Turning the order gives each side
 * as many "after the other" slices as "after itself" (exactly so for an even number of rounds).
 */
final class Alternation {

    /** One side: runs the operation at a concurrency for a time and measures it. */
    interface Side {
        Load.Result run(int concurrency, long nanos) throws InterruptedException;
    }

    /** What both sides measured, over all rounds. */
    record Pair(Load.Result first, Load.Result second) {
    }

    private Alternation() {
    }

    static Pair run(int concurrency, Duration warmup, Duration duration, int rounds, Side first, Side second)
            throws InterruptedException {
        first.run(concurrency, warmup.toNanos());
        second.run(concurrency, warmup.toNanos());
        Load.Result a = Load.Result.empty();
        Load.Result b = Load.Result.empty();
        long slice = duration.toNanos() / rounds;
        for (int round = 0; round < rounds; round++) {
            if (round % 2 == 0) {
                b = b.plus(second.run(concurrency, slice));
                a = a.plus(first.run(concurrency, slice));
            } else {
                a = a.plus(first.run(concurrency, slice));
                b = b.plus(second.run(concurrency, slice));
            }
        }
        return new Pair(a, b);
    }

    /**
     * One side alone, measured as a side of {@link #run} is (a warm-up, then the measured time in
     * {@code rounds} slices), for what has nothing to be compared with: Go through the gateway
     * (there is no Go SDK), a bare gRPC round trip.
     */
    static Load.Result single(int concurrency, Duration warmup, Duration duration, int rounds, Side side)
            throws InterruptedException {
        side.run(concurrency, warmup.toNanos());
        Load.Result result = Load.Result.empty();
        long slice = duration.toNanos() / rounds;
        for (int round = 0; round < rounds; round++) {
            result = result.plus(side.run(concurrency, slice));
        }
        return result;
    }
}
