package io.hubgate.server.errors;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.ErrorInfo;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;

/**
 * Reads back the {@code google.rpc.ErrorInfo} that {@link GatewayStatus} put on a status, for
 * whoever counts outcomes by reason (the metrics): the reasons come from fixed tables (the
 * gateway's own, IoT Hub's error names), so they are fit to be metric labels. Reads only; never
 * builds a status. Stateless.
 */
public final class ErrorReason {

    private ErrorReason() {
    }

    /** The ErrorInfo a closing status carries in its trailers, or null when it has none. */
    public static ErrorInfo of(Status status, Metadata trailers) {
        com.google.rpc.Status details = StatusProto.fromStatusAndTrailers(status, trailers);
        return details == null ? null : errorInfo(details);
    }

    /** The ErrorInfo of a status exception, or null when it has none. */
    public static ErrorInfo of(StatusRuntimeException failure) {
        com.google.rpc.Status details = StatusProto.fromThrowable(failure);
        return details == null ? null : errorInfo(details);
    }

    /** The ErrorInfo's reason, else the status code's name (CANCELLED …). */
    public static String reasonOrCode(StatusRuntimeException failure) {
        ErrorInfo info = of(failure);
        return info != null && !info.getReason().isEmpty() ? info.getReason() : failure.getStatus().getCode().name();
    }

    private static ErrorInfo errorInfo(com.google.rpc.Status details) {
        for (Any detail : details.getDetailsList()) {
            if (detail.is(ErrorInfo.class)) {
                try {
                    return detail.unpack(ErrorInfo.class);
                } catch (InvalidProtocolBufferException unreadable) {
                    return null;
                }
            }
        }
        return null;
    }
}
