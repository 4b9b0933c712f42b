package io.hubgate.emulator.faults;

import io.hubgate.emulator.http.OperationClass;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The active fault rules, in the order they were added. A request meets them oldest first: the
 * first rule that targets its class and fires is the one applied, and later rules are not asked
 * (so a later rate rule does not spend a draw and a later count rule keeps its count). A count
 * rule that has fired its last time leaves the list.
 *
 * <p>It does not apply faults. Thread-safe: the list is copy-on-write, since requests read it far
 * more often than tests change it.
 */
final class FaultRules {

    private final CopyOnWriteArrayList<FaultRule> rules = new CopyOnWriteArrayList<>();
    private final AtomicLong nextId = new AtomicLong(1);

    FaultRule add(FaultSpec spec) {
        FaultRule rule = new FaultRule("fault-" + nextId.getAndIncrement(), spec);
        rules.add(rule);
        return rule;
    }

    /** The rule that fires on a request of this class, if any; the rule has counted the firing. */
    Optional<FaultRule> fire(OperationClass operationClass) {
        for (FaultRule rule : rules) {
            if (rule.spec().targets(operationClass) && rule.tryFire()) {
                if (rule.spent()) {
                    rules.remove(rule);
                }
                return Optional.of(rule);
            }
        }
        return Optional.empty();
    }

    List<FaultRule> list() {
        return List.copyOf(rules);
    }

    boolean remove(String id) {
        return rules.removeIf(rule -> rule.id().equals(id));
    }

    void clear() {
        rules.clear();
    }
}
