package io.hubgate.bench;

import java.time.Duration;

/**
 * Two ways of doing the same thing measured fairly against each other at one concurrency: an
 * unmeasured warm-up of each, then {@code rounds} alternations first, second, first, second …,
 * the measured time split evenly over them, so that a slow moment of the machine hits both.
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
            a = a.plus(first.run(concurrency, slice));
            b = b.plus(second.run(concurrency, slice));
        }
        return new Pair(a, b);
    }
}
