package io.hubgate.server.service;

import com.google.rpc.BadRequest;
import io.grpc.StatusRuntimeException;
import io.hubgate.server.errors.GatewayStatus;

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

    /** An etag the gateway hands out is a short opaque token; anything longer is not one. */
    static final int MAX_ETAG_LENGTH = 128;
    /** IoT Hub's direct method names: at most 128 characters. */
    static final int MAX_METHOD_NAME_LENGTH = 128;
    /**
     * What a method name may contain besides ASCII letters and digits: IoT Hub allows printable
     * US-ASCII except {@code $ ( ) < > @ , ; : \ " / [ ] ? = { }}, space and tab; the official
     * Java SDK also refuses '.', so it is left out here too.
     */
    static final String METHOD_NAME_PUNCTUATION = "!#%&'*+-^_`|~";

    private final List<BadRequest.FieldViolation> violations = new ArrayList<>();

    void add(String field, String description) {
        violations.add(BadRequest.FieldViolation.newBuilder().setField(field).setDescription(description).build());
    }

    /** The violations found so far (a long check can stop reporting after enough). */
    int count() {
        return violations.size();
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

    /**
     * Checks an optional etag (empty: unconditional). A set one must look like the etags the
     * gateway returns: 1 to {@value #MAX_ETAG_LENGTH} visible ASCII characters without quotes,
     * backslashes or whitespace, and not a wildcard. It reaches IoT Hub's If-Match header, where
     * a control character could inject a header and {@code *} would turn a conditional write
     * into an unconditional one.
     */
    Validation etag(String field, String value) {
        if (value == null || value.isEmpty()) {
            return this;
        }
        if (value.length() > MAX_ETAG_LENGTH) {
            add(field, "an etag is at most " + MAX_ETAG_LENGTH + " characters; pass back the etag the gateway returned");
            return this;
        }
        boolean onlyStars = true;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= 0x20 || c >= 0x7F || c == '"' || c == '\\') {
                add(field, "an etag is visible ASCII without quotes, backslashes or whitespace; found " + describe(c)
                        + " at position " + i + "; pass back the etag the gateway returned");
                return this;
            }
            onlyStars &= c == '*';
        }
        if (onlyStars) {
            add(field, "'*' matches any version, so the write would not be conditional: leave etag empty for an "
                    + "unconditional write, or pass the etag the gateway returned");
        }
        return this;
    }

    /** Checks a direct method name against IoT Hub's rule (see {@link #METHOD_NAME_PUNCTUATION}). */
    Validation methodName(String field, String value) {
        if (value == null || value.isEmpty()) {
            add(field, "the method name is required");
            return this;
        }
        if (value.length() > MAX_METHOD_NAME_LENGTH) {
            add(field, "the method name is " + value.length() + " characters long; at most " + MAX_METHOD_NAME_LENGTH
                    + " are allowed");
            return this;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || METHOD_NAME_PUNCTUATION.indexOf(c) >= 0;
            if (!ok) {
                add(field, "a method name may contain only ASCII letters, digits and " + METHOD_NAME_PUNCTUATION
                        + "; found " + describe(c) + " at position " + i);
                return this;
            }
        }
        return this;
    }

    /** A character as a message may show it: quoted when printable ASCII, else its code point. */
    static String describe(char c) {
        return c <= 0x20 || c >= 0x7F ? String.format("U+%04X", (int) c) : "'" + c + "'";
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
        return GatewayStatus.invalidFields(violations);
    }

    /** One invalid field, at once. */
    static StatusRuntimeException invalidField(String field, String description) {
        Validation validation = new Validation();
        validation.add(field, description);
        return invalid(validation.violations);
    }
}
