package io.hubgate.server.service;

import com.google.protobuf.Value;

import java.util.Map;

/**
 * Checks a direct method's payload (any JSON value) for what JSON cannot carry: NaN and
 * ±Infinity, which protobuf's Value can hold but the SDK's JSON writer refuses. Each such number
 * is a field violation naming its path ({@code payload.delay[0]}). Recursion is bounded: a parsed
 * message nests at most 100 levels (protobuf's limit), so a Value at most about 50.
 */
final class PayloadChecks {

    private PayloadChecks() {
    }

    /** Adds a violation for each NaN or infinity in {@code value}; true when there is none. */
    static boolean finiteNumbers(Validation validation, String path, Value value) {
        return switch (value.getKindCase()) {
            case NUMBER_VALUE -> {
                if (!Double.isFinite(value.getNumberValue())) {
                    validation.add(path, "numbers must be finite: JSON has no NaN or Infinity");
                    yield false;
                }
                yield true;
            }
            case STRUCT_VALUE -> {
                boolean finite = true;
                for (Map.Entry<String, Value> field : value.getStructValue().getFieldsMap().entrySet()) {
                    finite &= finiteNumbers(validation, TwinChecks.child(path, field.getKey()), field.getValue());
                }
                yield finite;
            }
            case LIST_VALUE -> {
                boolean finite = true;
                int index = 0;
                for (Value element : value.getListValue().getValuesList()) {
                    finite &= finiteNumbers(validation, path + "[" + index++ + "]", element);
                }
                yield finite;
            }
            default -> true;
        };
    }
}
