package io.hubgate.emulator.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubgate.emulator.http.HubErrorCode;
import io.hubgate.emulator.http.HubException;
import io.hubgate.emulator.http.OperationClass;

import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the JSON body of {@code POST /_emulator/faults} into a {@link FaultSpec}, refusing
 * anything doubtful with 400 / 400004 and a message that names the field and what it accepts.
 * Unknown fields are refused rather than ignored, so a misspelt {@code cout} cannot silently turn
 * into a rule without a count. Stateless and thread-safe.
 *
 * <p>Defaults: no {@code operationClass} means all; a throttle is 429001 without
 * {@code Retry-After}; an error is 500 / 500001.
 */
final class FaultSpecParser {

    /** The longest injectable latency: five minutes, beyond any client's patience. */
    static final long MAX_LATENCY_MS = 300_000;

    private static final Set<String> FIELDS = Set.of("operationClass", "kind", "latencyMs", "retryAfterSeconds",
            "errorCode", "status", "rate", "seed", "count");

    private FaultSpecParser() {
    }

    static FaultSpec parse(ObjectNode body) {
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw invalid("Unknown field '" + name + "'; a fault has " + String.join(", ", new TreeSet<>(FIELDS)));
            }
        }
        OperationClass operationClass = operationClass(body.get("operationClass"));
        FaultKind kind = kind(body.get("kind"));
        if (body.has("latencyMs") && kind != FaultKind.LATENCY && kind != FaultKind.DROP_AFTER) {
            throw invalid("latencyMs applies only to latency and dropAfter faults, not " + kind.jsonName());
        }
        onlyFor(body, "retryAfterSeconds", kind, FaultKind.THROTTLE);
        onlyFor(body, "errorCode", kind, FaultKind.THROTTLE);
        onlyFor(body, "status", kind, FaultKind.ERROR);

        long latencyMs = 0;
        HubErrorCode errorCode = null;
        Integer retryAfterSeconds = null;
        switch (kind) {
            case LATENCY -> {
                if (!body.has("latencyMs")) {
                    throw invalid("A latency fault needs latencyMs");
                }
                latencyMs = wholeNumber(body, "latencyMs", 0, MAX_LATENCY_MS);
            }
            case THROTTLE -> {
                errorCode = throttleCode(body.get("errorCode"));
                if (body.has("retryAfterSeconds")) {
                    retryAfterSeconds = (int) wholeNumber(body, "retryAfterSeconds", 0, Integer.MAX_VALUE);
                }
            }
            case ERROR -> errorCode = errorStatus(body.get("status"));
            case DROP_AFTER -> {
                if (body.has("latencyMs")) {
                    latencyMs = wholeNumber(body, "latencyMs", 0, MAX_LATENCY_MS);
                }
            }
            case DROP -> { }
        }

        boolean hasRate = body.has("rate");
        boolean hasCount = body.has("count");
        if (hasRate == hasCount) {
            throw invalid(hasRate ? "Give either rate or count, not both"
                    : "Give either rate (a probability from 0 to 1) or count (the next N requests)");
        }
        Double rate = hasRate ? rate(body.get("rate")) : null;
        Integer count = hasCount ? (int) wholeNumber(body, "count", 1, Integer.MAX_VALUE) : null;
        Long seed = null;
        if (body.has("seed")) {
            if (!hasRate) {
                throw invalid("seed makes a rate repeatable; a count rule has no randomness to seed");
            }
            seed = wholeNumber(body, "seed", Long.MIN_VALUE, Long.MAX_VALUE);
        }
        return new FaultSpec(operationClass, kind, latencyMs, errorCode, retryAfterSeconds, rate, seed, count);
    }

    private static OperationClass operationClass(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        String name = node.isTextual() ? node.textValue() : null;
        if ("all".equals(name)) {
            return null;
        }
        OperationClass operationClass = FaultSpec.CLASS_NAMES.get(name);
        if (operationClass == null) {
            throw invalid("Unknown operationClass " + node + "; use one of all, "
                    + String.join(", ", new TreeSet<>(FaultSpec.CLASS_NAMES.keySet())));
        }
        return operationClass;
    }

    private static FaultKind kind(JsonNode node) {
        if (node == null || node.isNull()) {
            throw invalid("A fault needs a kind: latency, throttle, error, drop or dropAfter");
        }
        FaultKind kind = node.isTextual() ? FaultKind.parse(node.textValue()) : null;
        if (kind == null) {
            throw invalid("Unknown kind " + node + "; use latency, throttle, error, drop or dropAfter");
        }
        return kind;
    }

    private static void onlyFor(ObjectNode body, String field, FaultKind kind, FaultKind owner) {
        if (body.has(field) && kind != owner) {
            throw invalid(field + " applies only to " + owner.jsonName() + " faults, not " + kind.jsonName());
        }
    }

    private static HubErrorCode throttleCode(JsonNode node) {
        if (node == null) {
            return HubErrorCode.THROTTLING_EXCEPTION;
        }
        if (node.isIntegralNumber() && node.asLong() == HubErrorCode.THROTTLING_EXCEPTION.code()) {
            return HubErrorCode.THROTTLING_EXCEPTION;
        }
        if (node.isIntegralNumber() && node.asLong() == HubErrorCode.THROTTLE_BACKLOG_LIMIT_EXCEEDED.code()) {
            return HubErrorCode.THROTTLE_BACKLOG_LIMIT_EXCEEDED;
        }
        throw invalid("errorCode of a throttle is 429001 (ThrottlingException) or 429002 (ThrottleBacklogLimitExceeded), not " + node);
    }

    private static HubErrorCode errorStatus(JsonNode node) {
        if (node == null) {
            return HubErrorCode.SERVER_ERROR;
        }
        if (node.isIntegralNumber() && node.asLong() == 500) {
            return HubErrorCode.SERVER_ERROR;
        }
        if (node.isIntegralNumber() && node.asLong() == 503) {
            return HubErrorCode.SERVICE_UNAVAILABLE;
        }
        throw invalid("status of an error fault is 500 (ServerError) or 503 (ServiceUnavailable), not " + node);
    }

    private static double rate(JsonNode node) {
        if (!node.isNumber() || !(node.asDouble() >= 0 && node.asDouble() <= 1)) {
            throw invalid("rate is a probability from 0 to 1, not " + node);
        }
        return node.asDouble();
    }

    private static long wholeNumber(ObjectNode body, String field, long min, long max) {
        JsonNode node = body.get(field);
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.asLong() < min || node.asLong() > max) {
            String range = max == Long.MAX_VALUE ? "a whole number"
                    : max == Integer.MAX_VALUE ? "a whole number from " + min : "a whole number from " + min + " to " + max;
            throw invalid(field + " is " + range + ", not " + node);
        }
        return node.asLong();
    }

    private static HubException invalid(String message) {
        return new HubException(HubErrorCode.ARGUMENT_INVALID, message);
    }
}
