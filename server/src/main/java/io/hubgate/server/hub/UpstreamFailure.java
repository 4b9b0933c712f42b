package io.hubgate.server.hub;

import com.microsoft.azure.sdk.iot.service.exceptions.IotHubException;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * What an upstream failure says about the request, in one place for {@link RetryPolicy},
 * {@link HubErrorMapper} and {@link UpstreamAttempt}: the failure under the future's wrapping, the
 * hub's HTTP status on either path, a throttle, a request that was never sent, and an answer lost
 * after sending. Classifies only; what to do about it is the callers' job.
 */
final class UpstreamFailure {

    private UpstreamFailure() {
    }

    /** The failure itself, out of CompletionException / ExecutionException. */
    static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /**
     * The HTTP status of the hub's answer (an {@link IotHubException}, whose code is the status or
     * IoT Hub's six-digit code, or a {@link HubErrorResponse}); -1 when the failure is no answer.
     */
    static int httpStatus(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof IotHubException hub) {
            int code = hub.getErrorCode();
            return code >= 100_000 ? code / 1000 : code;
        }
        return cause instanceof HubErrorResponse hub ? hub.httpStatus() : -1;
    }

    /** IoT Hub throttled the request (429). */
    static boolean isThrottle(Throwable failure) {
        return httpStatus(failure) == 429;
    }

    /**
     * The request certainly never reached the hub: no connection (refused, unknown host, connect
     * timeout), or TLS failed. Every {@link javax.net.ssl.SSLException} counts, not only a
     * handshake failure: TLS to a port that answers plaintext fails with a plain
     * {@code SSLException} ("Unsupported or unrecognized SSL message") before a byte of HTTP is
     * written, and the JDK's HTTP client sends the request only after the handshake.
     */
    static boolean neverSent(Throwable failure) {
        return notConnected(failure) || tlsFailed(failure);
    }

    /** No connection was made: refused, unknown host, connect timeout (worth another try). */
    static boolean notConnected(Throwable failure) {
        Throwable cause = unwrap(failure);
        return cause instanceof ConnectException || cause instanceof UnknownHostException
                || cause instanceof HttpConnectTimeoutException;
    }

    /** TLS with the hub failed (see {@link #neverSent}); a configuration fault, not worth another try. */
    static boolean tlsFailed(Throwable failure) {
        return unwrap(failure) instanceof javax.net.ssl.SSLException;
    }

    /** No answer in time (reported as DEADLINE_EXCEEDED, never as a lost answer). */
    static boolean timedOut(Throwable failure) {
        Throwable cause = unwrap(failure);
        return cause instanceof SocketTimeoutException || cause instanceof HttpTimeoutException;
    }

    /**
     * The connection failed after the request may have been sent (reset, closed, end of stream):
     * its answer was lost, and whether the hub acted is unknown.
     */
    static boolean answerLost(Throwable failure) {
        return unwrap(failure) instanceof IOException && !neverSent(failure) && !timedOut(failure);
    }
}
