package io.hubgate.server.api;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects every problem of a request before any upstream call, then fails it once with
 * INVALID_ARGUMENT and a {@code google.rpc.BadRequest} naming each field, so a client fixes all
 * of them in one round. Messages describe the rule broken, never echo a secret.
 */
final class Validation {

    /**
     * Ids: 1 to 128 ASCII letters, digits and these, the set IoT Hub's REST reference gives for
     * device and module ids alike; checked before calling it. Ids with {@code % ? #} are carried
     * percent-encoded by the controlled path (the SDK would misroute them).
     */
    static final String ID_PUNCTUATION = "-:.+%_#*?!(),=@;$'";
    static final int MAX_ID_LENGTH = 128;
    static final int MAX_PAGE_SIZE = 1000;
    static final int DEFAULT_PAGE_SIZE = 100;

    private final List<BadRequest.FieldViolation> violations = new ArrayList<>();

    void add(String field, String description) {
        violations.add(BadRequest.FieldViolation.newBuilder().setField(field).setDescription(description).build());
    }

    /** Checks an id field; {@code what} is "device id" or "module id". */
    Validation id(String field, String value, String what) {
        if (value == null || value.isEmpty()) {
            add(field, "the " + what + " is required");
            return this;
        }
        if (value.length() > MAX_ID_LENGTH) {
            add(field, "the " + what + " is " + value.length() + " characters long; at most " + MAX_ID_LENGTH + " are allowed");
            return this;
        }
        if (value.equals(".") || value.equals("..")) {
            // Allowed characters, but as a path segment they mean "this" and "parent" to HTTP
            // stacks that normalise paths, so such a call could reach another resource.
            add(field, "the " + what + " cannot be '" + value + "': as a URL path segment it names another resource");
            return this;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || ID_PUNCTUATION.indexOf(c) >= 0;
            if (!ok) {
                add(field, "the " + what + " may contain only ASCII letters, digits and " + ID_PUNCTUATION
                        + "; found " + (c < 0x20 || c > 0x7E ? String.format("U+%04X", (int) c) : "'" + c + "'")
                        + " at position " + i);
                return this;
            }
        }
        return this;
    }

    /** Checks an optional module id (empty means "no module"). */
    Validation optionalModuleId(String field, String value) {
        if (value != null && !value.isEmpty()) {
            id(field, value, "module id");
        }
        return this;
    }

    /** Checks a page size: 0 (default) or 1 to 1000. */
    Validation pageSize(String field, int pageSize) {
        if (pageSize < 0 || pageSize > MAX_PAGE_SIZE) {
            add(field, "page_size must be 0 (the default, " + DEFAULT_PAGE_SIZE + ") or 1 to " + MAX_PAGE_SIZE + ", not " + pageSize);
        }
        return this;
    }

    static int effectivePageSize(int pageSize) {
        return pageSize == 0 ? DEFAULT_PAGE_SIZE : pageSize;
    }

    /** Throws INVALID_ARGUMENT with every violation collected, if any. */
    void check() {
        if (!violations.isEmpty()) {
            throw invalid(violations);
        }
    }

    static StatusRuntimeException invalid(List<BadRequest.FieldViolation> violations) {
        String summary = violations.size() == 1
                ? violations.get(0).getField() + ": " + violations.get(0).getDescription()
                : violations.size() + " invalid fields: " + violations.stream()
                .map(v -> v.getField() + ": " + v.getDescription()).reduce((a, b) -> a + "; " + b).orElse("");
        com.google.rpc.Status status = com.google.rpc.Status.newBuilder()
                .setCode(Code.INVALID_ARGUMENT.getNumber())
                .setMessage(summary)
                .addDetails(Any.pack(BadRequest.newBuilder().addAllFieldViolations(violations).build()))
                .addDetails(Any.pack(ErrorInfo.newBuilder().setReason("INVALID_REQUEST").setDomain("hubgate.io").build()))
                .build();
        return StatusProto.toStatusRuntimeException(status);
    }

    /** One invalid field, at once. */
    static StatusRuntimeException invalidField(String field, String description) {
        Validation validation = new Validation();
        validation.add(field, description);
        return invalid(validation.violations);
    }
}
