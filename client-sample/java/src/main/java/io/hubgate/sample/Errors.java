package io.hubgate.sample;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;

import javax.net.ssl.SSLHandshakeException;
import java.io.PrintWriter;
import java.security.cert.CertificateException;
import java.util.regex.Pattern;

/**
 * Prints a failed call: its code and description, then the details of its rich status. A TLS or
 * connection failure gets a plain description and a hint instead of the transport's internals.
 */
final class Errors {

    private Errors() {
    }

    /**
     * Prints the failure; {@code plaintext}: the call went without TLS, which changes what a
     * connection the gateway closed at once most likely means.
     */
    static void print(StatusRuntimeException e, PrintWriter err, boolean plaintext) {
        Status status = e.getStatus();
        com.google.rpc.Status rich = StatusProto.fromThrowable(e);
        String description = status.getDescription() == null ? "" : status.getDescription();
        // grpc-netty appends its handler pipeline to transport failures: noise to a user.
        int pipeline = description.indexOf("\nChannel Pipeline:");
        if (pipeline >= 0) {
            description = description.substring(0, pipeline);
        }
        String hint = null;
        Throwable cause = status.getCause();
        Throwable handshake = find(cause, SSLHandshakeException.class);
        Throwable rejected = find(handshake, CertificateException.class);
        if (rejected != null) {
            description = "TLS handshake failed: the gateway's certificate was rejected (" + withoutClassNames(rejected.getMessage()) + ")";
            hint = "give --ca-cert with the PEM certificate of the CA that issued the gateway's certificate "
                    + "(a self-signed certificate: the certificate itself); it must name the host given in --target";
        } else if (handshake != null) {
            description = "TLS handshake failed: " + withoutClassNames(handshake.getMessage());
        } else if (notTls(cause)) {
            description = "TLS handshake failed: the gateway did not answer in TLS";
            hint = "a gateway that serves plaintext (local development) needs --plaintext";
        } else if (cause != null && cause.getMessage() != null) {
            // Transport failures (UNAVAILABLE: io exception) say what went wrong only in the cause.
            description = description.isEmpty() ? cause.getMessage() : description + " (" + cause.getMessage() + ")";
        } else if (plaintext && status.getCode() == Status.Code.UNAVAILABLE && (rich == null || rich.getDetailsCount() == 0)) {
            // A TLS server drops a plaintext HTTP/2 preface without a word; the gateway's own
            // UNAVAILABLE answers always carry an ErrorInfo.
            hint = "the connection closed before any answer; if the gateway serves TLS, leave out --plaintext "
                    + "(and give --ca-cert if its certificate is not from a public CA)";
        }
        err.println("error: " + status.getCode() + ": " + description);
        if (hint != null) {
            err.println("hint: " + hint);
        }
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

    /** The first throwable of this type in the cause chain starting at {@code start}. */
    private static Throwable find(Throwable start, Class<? extends Throwable> type) {
        for (Throwable t = start; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return t;
            }
        }
        return null;
    }

    /** Netty's NotSslRecordException (shaded or not): the peer answered a TLS hello with something else. */
    private static boolean notTls(Throwable start) {
        for (Throwable t = start; t != null; t = t.getCause()) {
            if (t.getClass().getSimpleName().equals("NotSslRecordException")) {
                return true;
            }
        }
        return false;
    }

    /** "PKIX path building failed: sun.security...SunCertPathBuilderException: unable to ..." without the class names. */
    static String withoutClassNames(String message) {
        return message == null ? "" : CLASS_NAME.matcher(message).replaceAll("");
    }

    private static final Pattern CLASS_NAME = Pattern.compile("\\b(?:[a-z_][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*: ");
}
