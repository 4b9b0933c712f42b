package io.hubgate.emulator.faults;

import io.hubgate.emulator.http.HubErrorCode;
import io.hubgate.emulator.http.OperationClass;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FaultRulesTest {

    private final FaultRules rules = new FaultRules();

    private static FaultSpec throttleNext(OperationClass operationClass, int count) {
        return new FaultSpec(operationClass, FaultKind.THROTTLE, 0, HubErrorCode.THROTTLING_EXCEPTION, null, null, null, count);
    }

    private static FaultSpec dropAtRate(OperationClass operationClass, double rate, Long seed) {
        return new FaultSpec(operationClass, FaultKind.DROP, 0, null, null, rate, seed, null);
    }

    @Test
    void countRule_firesExactlyNTimes_thenLeaves() {
        FaultRule rule = rules.add(throttleNext(OperationClass.REGISTRY, 3));

        for (int i = 0; i < 3; i++) {
            assertThat(rules.fire(OperationClass.REGISTRY)).contains(rule);
        }
        assertThat(rules.fire(OperationClass.REGISTRY)).isEmpty();
        assertThat(rules.list()).isEmpty();
        assertThat(rule.fired()).isEqualTo(3);
        assertThat(rule.remaining()).isZero();
    }

    @Test
    void countRule_firesExactlyNTimes_underConcurrency() throws Exception {
        FaultRule rule = rules.add(throttleNext(OperationClass.TWIN_READ, 500));
        int threads = 8;
        int attemptsPerThread = 200;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            results.add(pool.submit(() -> {
                start.await();
                int fired = 0;
                for (int i = 0; i < attemptsPerThread; i++) {
                    if (rules.fire(OperationClass.TWIN_READ).isPresent()) {
                        fired++;
                    }
                }
                return fired;
            }));
        }
        start.countDown();
        int total = 0;
        for (Future<Integer> result : results) {
            total += result.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();

        assertThat(total).isEqualTo(500);
        assertThat(rule.fired()).isEqualTo(500);
        assertThat(rules.list()).isEmpty();
    }

    @Test
    void rateOne_alwaysFires_andRateZero_never() {
        FaultRule never = rules.add(dropAtRate(OperationClass.QUERY, 0.0, null));
        FaultRule always = rules.add(dropAtRate(OperationClass.QUERY, 1.0, null));

        for (int i = 0; i < 1000; i++) {
            assertThat(rules.fire(OperationClass.QUERY)).contains(always);
        }
        assertThat(never.fired()).isZero();
        assertThat(always.fired()).isEqualTo(1000);
        assertThat(rules.list()).containsExactly(never, always);
    }

    @Test
    void seededRate_makesTheSameDecisionsEachRun() {
        FaultRules other = new FaultRules();
        rules.add(dropAtRate(null, 0.3, 42L));
        other.add(dropAtRate(null, 0.3, 42L));

        List<Boolean> first = new ArrayList<>();
        List<Boolean> second = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            first.add(rules.fire(OperationClass.METHODS).isPresent());
            second.add(other.fire(OperationClass.METHODS).isPresent());
        }

        assertThat(first).isEqualTo(second);
        // 200 draws at 0.3: the seeded sequence fires a plausible share, neither never nor always.
        assertThat(first.stream().filter(b -> b).count()).isBetween(30L, 90L);
    }

    @Test
    void firstMatchingRuleThatFires_wins_andLaterRulesKeepTheirCount() {
        FaultRule older = rules.add(throttleNext(OperationClass.TWIN_WRITE, 1));
        FaultRule newer = rules.add(throttleNext(null, 2));

        assertThat(rules.fire(OperationClass.TWIN_WRITE)).contains(older);
        assertThat(newer.remaining()).isEqualTo(2);
        assertThat(rules.fire(OperationClass.TWIN_WRITE)).contains(newer);
        assertThat(rules.fire(OperationClass.REGISTRY)).contains(newer);
        assertThat(rules.fire(OperationClass.REGISTRY)).isEmpty();
    }

    @Test
    void aRuleForOneClass_leavesOtherClassesAlone_andAllNeverTouchesControl() {
        rules.add(throttleNext(OperationClass.TWIN_READ, 5));
        FaultRule all = rules.add(dropAtRate(null, 1.0, null));

        assertThat(rules.fire(OperationClass.REGISTRY)).contains(all);
        assertThat(rules.fire(OperationClass.TOKEN)).contains(all);
        assertThat(rules.fire(OperationClass.CONTROL)).isEmpty();
        assertThat(rules.list().get(0).remaining()).isEqualTo(5);
    }

    @Test
    void remove_andClear() {
        FaultRule first = rules.add(throttleNext(OperationClass.QUERY, 1));
        FaultRule second = rules.add(throttleNext(OperationClass.QUERY, 1));

        assertThat(rules.remove(first.id())).isTrue();
        assertThat(rules.remove(first.id())).isFalse();
        assertThat(rules.list()).containsExactly(second);
        rules.clear();
        assertThat(rules.fire(OperationClass.QUERY)).isEmpty();
    }

    @Test
    void spec_refusesInconsistentCombinations() {
        assertThatThrownBy(() -> new FaultSpec(null, FaultKind.DROP, 0, null, null, 0.5, null, 3))
                .hasMessageContaining("either a rate or a count");
        assertThatThrownBy(() -> new FaultSpec(null, FaultKind.DROP, 0, null, null, 1.5, null, null))
                .hasMessageContaining("rate is 0 to 1");
        assertThatThrownBy(() -> new FaultSpec(null, FaultKind.THROTTLE, 0, HubErrorCode.SERVER_ERROR, null, null, null, 1))
                .hasMessageContaining("does not fit");
        assertThatThrownBy(() -> new FaultSpec(OperationClass.CONTROL, FaultKind.DROP, 0, null, null, null, null, 1))
                .hasMessageContaining("never faulted");
        assertThatThrownBy(() -> new FaultSpec(null, FaultKind.DROP, 10, null, null, null, null, 1))
                .hasMessageContaining("latencyMs");
    }
}
