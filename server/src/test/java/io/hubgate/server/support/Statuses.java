package io.hubgate.server.support;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;

import java.util.List;
import java.util.concurrent.Callable;

/** Reads the rich error details of a failed call, as a client would. */
public final class Statuses {

    private Statuses() {
    }

    /** Runs a call that must fail, and returns its failure (an AssertionError if it succeeds or fails otherwise). */
    public static StatusRuntimeException failureOf(Callable<?> call) {
        try {
            Object result = call.call();
            throw new AssertionError("expected the call to fail, but it returned " + result);
        } catch (StatusRuntimeException failure) {
            return failure;
        } catch (Exception other) {
            throw new AssertionError("expected a gRPC status, got " + other, other);
        }
    }

    public static ErrorInfo errorInfo(StatusRuntimeException failure) {
        return detail(failure, ErrorInfo.class);
    }

    public static RetryInfo retryInfo(StatusRuntimeException failure) {
        return detail(failure, RetryInfo.class);
    }

    public static BadRequest badRequest(StatusRuntimeException failure) {
        return detail(failure, BadRequest.class);
    }

    public static List<String> violatedFields(StatusRuntimeException failure) {
        BadRequest badRequest = detail(failure, BadRequest.class);
        return badRequest == null ? List.of() : badRequest.getFieldViolationsList().stream()
                .map(BadRequest.FieldViolation::getField).toList();
    }

    /** The ErrorInfo of a {@code google.rpc.Status} as a batch item carries it, or null. */
    public static ErrorInfo errorInfo(com.google.rpc.Status status) {
        return detail(status, ErrorInfo.class);
    }

    /** The BadRequest fields of a {@code google.rpc.Status} as a batch item carries it. */
    public static List<String> violatedFields(com.google.rpc.Status status) {
        BadRequest badRequest = detail(status, BadRequest.class);
        return badRequest == null ? List.of() : badRequest.getFieldViolationsList().stream()
                .map(BadRequest.FieldViolation::getField).toList();
    }

    private static <T extends com.google.protobuf.Message> T detail(StatusRuntimeException failure, Class<T> type) {
        return detail(StatusProto.fromThrowable(failure), type);
    }

    private static <T extends com.google.protobuf.Message> T detail(com.google.rpc.Status status, Class<T> type) {
        if (status == null) {
            return null;
        }
        for (com.google.protobuf.Any any : status.getDetailsList()) {
            if (any.is(type)) {
                try {
                    return any.unpack(type);
                } catch (InvalidProtocolBufferException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return null;
    }
}
