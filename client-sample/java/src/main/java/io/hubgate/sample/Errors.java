package io.hubgate.sample;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;

import java.io.PrintWriter;

/** Prints a failed call: its code and description, then the details of its rich status. */
final class Errors {

    private Errors() {
    }

    static void print(StatusRuntimeException e, PrintWriter err) {
        Status status = e.getStatus();
        String description = status.getDescription() == null ? "" : status.getDescription();
        if (status.getCause() != null && status.getCause().getMessage() != null) {
            // Transport failures (UNAVAILABLE: io exception) say what went wrong only in the cause.
            description = description.isEmpty() ? status.getCause().getMessage()
                    : description + " (" + status.getCause().getMessage() + ")";
        }
        err.println("error: " + status.getCode() + ": " + description);
        com.google.rpc.Status rich = StatusProto.fromThrowable(e);
        if (rich == null) {
            return;
        }
        for (Any detail : rich.getDetailsList()) {
            try {
                if (detail.is(ErrorInfo.class)) {
                    ErrorInfo info = detail.unpack(ErrorInfo.class);
                    err.println("reason: " + info.getReason());
                    if (!info.getDomain().isEmpty()) {
                        err.println("domain: " + info.getDomain());
                    }
                    info.getMetadataMap().forEach((key, value) -> err.println("metadata: " + key + "=" + value));
                } else if (detail.is(BadRequest.class)) {
                    for (BadRequest.FieldViolation violation : detail.unpack(BadRequest.class).getFieldViolationsList()) {
                        err.println("field violation: " + violation.getField() + ": " + violation.getDescription());
                    }
                }
            } catch (InvalidProtocolBufferException bad) {
                err.println("detail " + detail.getTypeUrl() + " unreadable: " + bad.getMessage());
            }
        }
    }
}
