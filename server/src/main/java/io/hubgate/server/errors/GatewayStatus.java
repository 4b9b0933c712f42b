package io.hubgate.server.errors;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The one place where the gateway builds a gRPC status: code, message and the {@code google.rpc}
 * details a client branches on. Every status carries an {@code ErrorInfo}; its domain is
 * {@value #DOMAIN} for what the gateway itself decides (validation, caller authentication and
 * authorization, capacity, deadlines) and {@code azure-devices.net} for IoT Hub's answers, which
 * {@code HubErrorMapper} maps and builds here too. Invalid fields add a {@code BadRequest},
 * refusals worth retrying a {@code RetryInfo}.
 *
 * <p>It builds statuses; it does not decide which failure gets which code (that is the caller's
 * job: validation, the interceptors, the error mapper), and it never puts a credential in a
 * message. Stateless.
 */
public final class GatewayStatus {

    /** ErrorInfo domain of everything the gateway itself decides. */
    public static final String DOMAIN = "hubgate.io";

    /** ErrorInfo reasons of the gateway's own statuses. */
    public static final String INVALID_REQUEST = "INVALID_REQUEST";
    public static final String MALFORMED_REQUEST = "MALFORMED_REQUEST";
    public static final String MISSING_ROLE = "MISSING_ROLE";
    public static final String GATEWAY_AT_CAPACITY = "GATEWAY_AT_CAPACITY";
    public static final String REQUEST_TOO_LARGE = "REQUEST_TOO_LARGE";
    public static final String GATEWAY_FAULT = "INTERNAL";
    /** ErrorInfo metadata key of a denial: the roles that would have been enough, comma-separated. */
    public static final String REQUIRED_ROLES = "requiredRoles";

    /**
     * A status travels in HTTP/2 trailers, and clients refuse trailers beyond their header limit
     * (grpc-java: 8 KiB) and then drop the whole connection. A message is at most this many
     * characters (percent-encoding can make each of them 9 bytes) …
     */
    static final int MAX_MESSAGE_CHARS = 300;
    /** … and the BadRequest at most this many bytes (base64 makes it a third larger). */
    static final int MAX_BAD_REQUEST_BYTES = 2400;
    /** A field path or description longer than this is cut. */
    static final int MAX_DETAIL_CHARS = 200;

    private GatewayStatus() {
    }

    /** A failure the gateway itself detected: code, message and an ErrorInfo of {@value #DOMAIN}. */
    public static StatusRuntimeException of(Code code, String message, String reason) {
        return build(code, message, DOMAIN, reason, Map.of(), null);
    }

    /**
     * Any status with one ErrorInfo, and a RetryInfo when {@code retryDelay} is set.
     *
     * @param metadata ErrorInfo metadata (empty: none)
     */
    public static StatusRuntimeException build(Code code, String message, String domain, String reason,
                                               Map<String, String> metadata, java.time.Duration retryDelay) {
        com.google.rpc.Status.Builder status = com.google.rpc.Status.newBuilder()
                .setCode(code.getNumber()).setMessage(cut(message, MAX_MESSAGE_CHARS))
                .addDetails(Any.pack(ErrorInfo.newBuilder().setReason(reason).setDomain(domain).putAllMetadata(metadata).build()));
        if (retryDelay != null) {
            status.addDetails(Any.pack(RetryInfo.newBuilder().setRetryDelay(Duration.newBuilder()
                    .setSeconds(retryDelay.getSeconds()).setNanos(retryDelay.getNano())).build()));
        }
        return StatusProto.toStatusRuntimeException(status.build());
    }

    /**
     * INVALID_ARGUMENT naming every bad field in a {@code BadRequest} (and in the message), reason
     * {@value #INVALID_REQUEST}.
     */
    public static StatusRuntimeException invalidFields(List<BadRequest.FieldViolation> violations) {
        String summary = violations.size() == 1
                ? violations.get(0).getField() + ": " + violations.get(0).getDescription()
                : violations.size() + " invalid fields: " + String.join("; ", violations.stream()
                .map(v -> v.getField() + ": " + v.getDescription()).toList());
        com.google.rpc.Status status = com.google.rpc.Status.newBuilder()
                .setCode(Code.INVALID_ARGUMENT.getNumber())
                .setMessage(cut(summary, MAX_MESSAGE_CHARS))
                .addDetails(Any.pack(bounded(violations)))
                .addDetails(Any.pack(ErrorInfo.newBuilder().setReason(INVALID_REQUEST).setDomain(DOMAIN).build()))
                .build();
        return StatusProto.toStatusRuntimeException(status);
    }

    /** The violations that fit in {@link #MAX_BAD_REQUEST_BYTES}, each cut, and a note of how many were left out. */
    private static BadRequest bounded(List<BadRequest.FieldViolation> violations) {
        BadRequest.Builder badRequest = BadRequest.newBuilder();
        int size = 0;
        for (int i = 0; i < violations.size(); i++) {
            BadRequest.FieldViolation violation = BadRequest.FieldViolation.newBuilder()
                    .setField(cut(violations.get(i).getField(), MAX_DETAIL_CHARS))
                    .setDescription(cut(violations.get(i).getDescription(), MAX_DETAIL_CHARS)).build();
            size += violation.getSerializedSize() + 3;
            if (size > MAX_BAD_REQUEST_BYTES) {
                badRequest.addFieldViolations(BadRequest.FieldViolation.newBuilder().setField("…")
                        .setDescription((violations.size() - i) + " more invalid fields not shown"));
                break;
            }
            badRequest.addFieldViolations(violation);
        }
        return badRequest.build();
    }

    /** {@code text} cut to {@code max} characters, marked with an ellipsis when cut. */
    static String cut(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(max - 2)) ? max - 2 : max - 1;
        return text.substring(0, end) + "…";
    }

    /**
     * PERMISSION_DENIED: the caller lacks every role that would allow {@code what}; reason
     * {@value #MISSING_ROLE}, metadata {@value #REQUIRED_ROLES} (sorted, comma-separated) and
     * {@code method}.
     */
    public static StatusRuntimeException missingRole(String method, String message, Set<String> requiredRoles) {
        return build(Code.PERMISSION_DENIED, message, DOMAIN, MISSING_ROLE,
                Map.of("method", method, REQUIRED_ROLES, String.join(",", new TreeSet<>(requiredRoles))), null);
    }

    /** UNAUTHENTICATED with the reason a client branches on (CREDENTIALS_MISSING, TOKEN_EXPIRED …). */
    public static StatusRuntimeException unauthenticated(String reason, String message) {
        return of(Code.UNAUTHENTICATED, message, reason);
    }

    /** RESOURCE_EXHAUSTED because the gateway is full, with when to try again. */
    public static StatusRuntimeException atCapacity(String message, java.time.Duration retryDelay) {
        return build(Code.RESOURCE_EXHAUSTED, message, DOMAIN, GATEWAY_AT_CAPACITY, Map.of(), retryDelay);
    }

    /** INVALID_ARGUMENT for request bytes that are not the method's message, reason {@value #MALFORMED_REQUEST}. */
    public static StatusRuntimeException malformedRequest(String message) {
        return of(Code.INVALID_ARGUMENT, message, MALFORMED_REQUEST);
    }

    /** INTERNAL: a fault of the gateway itself, never a caller's mistake. */
    public static StatusRuntimeException fault(String message) {
        return of(Code.INTERNAL, message, GATEWAY_FAULT);
    }
}
