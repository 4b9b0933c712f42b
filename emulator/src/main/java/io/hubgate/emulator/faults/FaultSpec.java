package io.hubgate.emulator.faults;

import io.hubgate.emulator.http.HubErrorCode;
import io.hubgate.emulator.http.OperationClass;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What one fault rule does and when: which operation class it targets (null: every class but
 * the control surface), its kind and the kind's parameters, and how it is applied, either at a
 * {@code rate} (probability per matching request, optionally seeded) or to the next
 * {@code count} matching requests. Immutable; the constructor checks the combination, so a
 * spec that exists is a valid one. Parsing JSON and its error messages are {@link FaultSpecParser}'s job.
 *
 * @param operationClass    the class targeted, or null for all
 * @param latencyMs         the delay of a {@link FaultKind#LATENCY} fault; for a {@link FaultKind#DROP_AFTER}
 *                          fault, how long after the connection closed the request is handled
 *                          (0: handled first, closed after); else 0
 * @param errorCode         the refusal of a {@link FaultKind#THROTTLE} or {@link FaultKind#ERROR}
 *                          fault, else null
 * @param retryAfterSeconds the {@code Retry-After} of a throttle, or null for none
 * @param rate              probability 0 to 1, or null when {@code count} is set
 * @param seed              the random seed of a rate rule, or null for an unseeded one
 * @param count             how many matching requests the rule fires on, or null when {@code rate} is set
 */
public record FaultSpec(OperationClass operationClass, FaultKind kind, long latencyMs, HubErrorCode errorCode,
                        Integer retryAfterSeconds, Double rate, Long seed, Integer count) {

    /** The class names used in control-route JSON; "all" (or no name) targets every class. */
    static final Map<String, OperationClass> CLASS_NAMES = Map.of(
            "registry", OperationClass.REGISTRY,
            "twinRead", OperationClass.TWIN_READ,
            "twinWrite", OperationClass.TWIN_WRITE,
            "query", OperationClass.QUERY,
            "methods", OperationClass.METHODS,
            "jobs", OperationClass.JOBS,
            "jobDevices", OperationClass.JOB_DEVICES,
            "token", OperationClass.TOKEN);

    public FaultSpec {
        Objects.requireNonNull(kind, "kind");
        if (operationClass == OperationClass.CONTROL) {
            throw new IllegalArgumentException("the control surface is never faulted");
        }
        if ((rate == null) == (count == null)) {
            throw new IllegalArgumentException("a fault has either a rate or a count");
        }
        if (rate != null && !(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException("rate is 0 to 1, not " + rate);
        }
        if (count != null && count < 1) {
            throw new IllegalArgumentException("count is at least 1, not " + count);
        }
        if (seed != null && rate == null) {
            throw new IllegalArgumentException("a seed goes with a rate");
        }
        if (latencyMs < 0 || latencyMs != 0 && kind != FaultKind.LATENCY && kind != FaultKind.DROP_AFTER) {
            throw new IllegalArgumentException("latencyMs is for latency and dropAfter faults and never negative");
        }
        if ((errorCode != null) != (kind == FaultKind.THROTTLE || kind == FaultKind.ERROR)) {
            throw new IllegalArgumentException("throttle and error faults, and only they, have an error code");
        }
        if (kind == FaultKind.THROTTLE && errorCode.httpStatus() != 429
                || kind == FaultKind.ERROR && errorCode.httpStatus() < 500) {
            throw new IllegalArgumentException(errorCode + " does not fit a " + kind.jsonName() + " fault");
        }
        if (retryAfterSeconds != null && (kind != FaultKind.THROTTLE || retryAfterSeconds < 0)) {
            throw new IllegalArgumentException("retryAfterSeconds is for throttle faults and never negative");
        }
    }

    /** Whether this rule applies to a request of that class. */
    boolean targets(OperationClass requestClass) {
        return requestClass != OperationClass.CONTROL && (operationClass == null || operationClass == requestClass);
    }

    /** The JSON name of the targeted class, {@code all} when every class is targeted. */
    String operationClassName() {
        return operationClass == null ? "all" : className(operationClass);
    }

    /** The JSON name of a class that faults can target, e.g. {@code twinRead}. */
    static String className(OperationClass operationClass) {
        return CLASS_NAMES.entrySet().stream().filter(e -> e.getValue() == operationClass)
                .map(Map.Entry::getKey).findFirst().orElseThrow();
    }

    /** The spec as the control routes show it (the same field names {@link FaultSpecParser} reads). */
    Map<String, Object> describe() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("operationClass", operationClassName());
        fields.put("kind", kind.jsonName());
        if (kind == FaultKind.LATENCY || kind == FaultKind.DROP_AFTER && latencyMs > 0) {
            fields.put("latencyMs", latencyMs);
        }
        if (kind == FaultKind.THROTTLE) {
            fields.put("errorCode", errorCode.code());
        }
        if (kind == FaultKind.ERROR) {
            fields.put("status", errorCode.httpStatus());
        }
        if (retryAfterSeconds != null) {
            fields.put("retryAfterSeconds", retryAfterSeconds);
        }
        if (rate != null) {
            fields.put("rate", rate);
        }
        if (seed != null) {
            fields.put("seed", seed);
        }
        if (count != null) {
            fields.put("count", count);
        }
        return fields;
    }
}
