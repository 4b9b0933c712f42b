package io.hubgate.server.hub;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.rpc.Code;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.hubgate.server.errors.GatewayStatus;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.concurrent.CancellationException;

/**
 * The one place where an IoT Hub failure becomes a gRPC status. Every status carries a
 * {@code google.rpc.ErrorInfo} whose reason is the IoT Hub error name (DeviceNotFound,
 * PreconditionFailed …), whose domain is {@value #DOMAIN} and whose metadata holds the numeric
 * IoT Hub code; throttling adds a {@code google.rpc.RetryInfo}.
 *
 * <p>Handlers never build statuses for upstream failures themselves.
 */
public final class HubErrorMapper {

    /** ErrorInfo domain of failures that come from IoT Hub. */
    public static final String DOMAIN = "azure-devices.net";
    /** ErrorInfo domain of failures the gateway itself detects (deadline, network). */
    public static final String GATEWAY_DOMAIN = GatewayStatus.DOMAIN;
    /**
     * Suggested wait after throttling when IoT Hub gave no {@code Retry-After}, or the answer came
     * through the SDK, which does not expose the header.
     */
    public static final java.time.Duration DEFAULT_RETRY_DELAY = java.time.Duration.ofSeconds(1);
    /**
     * Suggested wait after a throttle met through the SDK, which hides the hub's {@code Retry-After}
     * (so the gateway does not retry it itself, see {@link RetryPolicy#sdkThrottle}). Conservative
     * on purpose: the operations still on the SDK are direct methods (a per-second meter) and jobs
     * (a per-minute one: 100 a minute per unit on S1/S2), and 10 s lets a per-minute meter refill
     * about 17 requests' worth and a per-second one ten windows, where 1 s would send a caller
     * straight back into the same throttle. It is the gateway's choice, not the hub's value.
     */
    public static final java.time.Duration SDK_THROTTLE_RETRY_DELAY = java.time.Duration.ofSeconds(10);
    /** ErrorInfo reason when a non-repeatable operation's answer was lost and its effect cannot be known. */
    public static final String OUTCOME_UNKNOWN = "UPSTREAM_OUTCOME_UNKNOWN";

    /** ErrorInfo reason when the gateway's own hub credential cannot get a token. */
    public static final String GATEWAY_CREDENTIAL_FAILED = "GATEWAY_CREDENTIAL_FAILED";
    /** Where the gateway does not know its credential's kind ({@link #map}); replaced where it does. */
    private static final String UNAUTHORIZED_ADVICE = "check its SAS key, or its Entra identity's IoT Hub data-plane role";

    private HubErrorMapper() {
    }

    /** Maps any failure of an upstream call; the message never contains a token or key. */
    public static StatusRuntimeException map(Throwable failure) {
        return map(failure, null);
    }

    /** As {@link #map(Throwable)}, a refusal of the gateway's own credential naming its {@code kind} (null: not known here). */
    private static StatusRuntimeException map(Throwable failure, HubCredentialKind kind) {
        Throwable cause = unwrap(failure);
        if (cause instanceof StatusRuntimeException already) {
            return already;
        }
        if (cause instanceof IotHubException hub) {
            return fromSdk(hub, kind);
        }
        if (cause instanceof HubErrorResponse hub) {
            return fromHub(hub.errorCode(), hub.getMessage(), hub.retryAfter(), kind);
        }
        if (cause instanceof java.net.http.HttpConnectTimeoutException) {
            return status(Code.UNAVAILABLE, "IoT Hub cannot be reached: " + cause.getMessage(), GATEWAY_DOMAIN,
                    "UPSTREAM_UNREACHABLE", null, null);
        }
        if (cause instanceof SocketTimeoutException || cause instanceof InterruptedIOException
                || cause instanceof java.net.http.HttpTimeoutException) {
            return status(Code.DEADLINE_EXCEEDED, "IoT Hub did not answer in time", GATEWAY_DOMAIN, "UPSTREAM_TIMEOUT", null, null);
        }
        if (cause instanceof ConnectException || cause instanceof UnknownHostException) {
            return status(Code.UNAVAILABLE, "IoT Hub cannot be reached: " + cause.getMessage(), GATEWAY_DOMAIN,
                    "UPSTREAM_UNREACHABLE", null, null);
        }
        if (cause instanceof javax.net.ssl.SSLException) {
            return status(Code.UNAVAILABLE, "TLS with IoT Hub failed: " + cause.getMessage(), GATEWAY_DOMAIN,
                    "UPSTREAM_TLS_FAILED", null, null);
        }
        if (cause instanceof IOException) {
            return status(Code.UNAVAILABLE, "The connection to IoT Hub failed: " + cause.getMessage(), GATEWAY_DOMAIN,
                    "UPSTREAM_IO_ERROR", null, null);
        }
        if (cause instanceof CancellationException) {
            return Status.CANCELLED.withDescription("The call was cancelled").asRuntimeException();
        }
        if (isTokenFailure(cause)) {
            // The gateway's own credential could not get a token: the operator must fix it. Only
            // an Entra credential gets tokens from elsewhere (a SAS key signs its own).
            // What Entra said goes last: a status message is cut at 300 characters.
            return status(Code.INTERNAL, "The gateway's own hub credential (" + HubCredentialKind.ENTRA.label() + ") could not"
                    + " get a token; fix its tenant, client id, secret or certificate (the caller is not at fault): "
                    + firstLine(deepestMessage(cause)), GATEWAY_DOMAIN, GATEWAY_CREDENTIAL_FAILED, null, null);
        }
        return status(Code.INTERNAL, "The gateway failed: " + cause.getClass().getSimpleName(), GATEWAY_DOMAIN,
                "INTERNAL", null, null);
    }

    /**
     * The status for a failure that is the gateway's own hub credential being refused — IoT Hub
     * answered 401, or the credential could not get a token — naming which {@code kind} it is and
     * what an operator checks; null for any other failure (which {@link #map} handles). INTERNAL,
     * as the error table has it: the gateway's configuration is at fault, not the caller.
     */
    public static StatusRuntimeException ownCredentialRefused(Throwable failure, HubCredentialKind kind) {
        Throwable cause = unwrap(failure);
        boolean unauthorized = UpstreamFailure.httpStatus(cause) == 401;
        return unauthorized || isTokenFailure(cause) ? map(cause, kind) : null;
    }

    /** A failure of the credential itself (azure-identity, or msal4j beneath it), before any request reached IoT Hub. */
    static boolean isTokenFailure(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof com.azure.core.exception.ClientAuthenticationException
                    || cause.getClass().getName().startsWith("com.microsoft.aad.msal4j.")) {
                return true;
            }
        }
        return false;
    }

    private static String deepestMessage(Throwable failure) {
        String message = failure.getClass().getSimpleName();
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause.getMessage() != null && !cause.getMessage().isBlank()) {
                message = cause.getMessage();
            }
        }
        return message;
    }

    /** The first line: Entra's messages go on with trace ids, timestamps and links. */
    private static String firstLine(String text) {
        return text.strip().lines().findFirst().orElse("");
    }

    /**
     * The SDK's exception. Its code is IoT Hub's six-digit one only when the body was the JSON
     * form; from the named form ({@code ErrorCode:DeviceNotFound;…}, what the service sends for
     * registry, twin, query and job errors) the SDK keeps just the HTTP status, and the name in
     * its message gives the code back, as the controlled path reads it from the body.
     */
    private static StatusRuntimeException fromSdk(IotHubException hub, HubCredentialKind kind) {
        NamedHubError named = NamedHubError.parse(hub.getMessage());
        // The SDK hides Retry-After: a throttle it met suggests the gateway's conservative delay (429 only).
        if (named == null) {
            return fromHub(hub.getErrorCode(), hub.getMessage(), SDK_THROTTLE_RETRY_DELAY, kind);
        }
        int numeric = hub.getErrorCode() < 100_000 ? named.code(hub.getErrorCode()) : hub.getErrorCode();
        return fromHub(numeric, named.message(), SDK_THROTTLE_RETRY_DELAY, kind);
    }

    /**
     * @param numeric    IoT Hub's six-digit code, or the HTTP status when there is none
     * @param retryAfter the hub's Retry-After (the controlled path sees it), or null
     * @param kind       the gateway's own credential, named when the hub refuses it; null when not known
     */
    private static StatusRuntimeException fromHub(int numeric, String rawMessage, java.time.Duration retryAfter,
                                                  HubCredentialKind kind) {
        int httpStatus = numeric >= 100_000 ? numeric / 1000 : numeric;
        String reason = IotHubErrorNames.name(numeric, httpStatus);
        String message = hubMessage(rawMessage, reason);
        return switch (httpStatus) {
            case 400 -> status(Code.INVALID_ARGUMENT, message, DOMAIN, reason, numeric, null);
            case 401 -> status(Code.INTERNAL, "IoT Hub refused the gateway's own hub credential ("
                    + (kind == null ? "" : kind.label() + ", ") + reason + "); "
                    + (kind == null ? UNAUTHORIZED_ADVICE : kind.advice()) + " (the caller is not at fault): " + message,
                    DOMAIN, reason, numeric, null);
            case 403 -> status(Code.RESOURCE_EXHAUSTED, message, DOMAIN, reason, numeric, null);
            case 404 -> status(Code.NOT_FOUND, message, DOMAIN, reason, numeric, null);
            case 409 -> status(Code.ALREADY_EXISTS, message, DOMAIN, reason, numeric, null);
            case 412 -> status(Code.ABORTED, message, DOMAIN, reason, numeric, null);
            case 413 -> status(Code.RESOURCE_EXHAUSTED, message, DOMAIN, reason, numeric, null);
            case 429 -> status(Code.RESOURCE_EXHAUSTED, message, DOMAIN, reason, numeric,
                    retryAfter != null ? retryAfter : DEFAULT_RETRY_DELAY);
            case 504 -> status(Code.DEADLINE_EXCEEDED, message, DOMAIN, reason, numeric, null);
            default -> httpStatus >= 500
                    ? status(Code.UNAVAILABLE, message, DOMAIN, reason, numeric, null)
                    : status(Code.UNKNOWN, message, DOMAIN, reason, numeric, null);
        };
    }

    /**
     * IoT Hub's own sentence. The SDK's exception message is the whole JSON error body
     * ({@code {"errorCode":…,"trackingId":…,"message":…,"timestampUtc":…}}, or the older
     * {@code {"Message":"ErrorCode:Name;text",…}}), which is no message for a gRPC caller; anything
     * that is not such a body is kept as it is.
     */
    static String hubMessage(String raw, String reason) {
        String text = raw == null ? "" : raw.trim();
        if (text.startsWith("{")) {
            try {
                JsonObject body = JsonParser.parseString(text).getAsJsonObject();
                JsonElement message = body.has("message") ? body.get("message") : body.get("Message");
                if (message != null && message.isJsonPrimitive() && !message.getAsString().isBlank()) {
                    text = message.getAsString().trim();
                    if (text.startsWith("ErrorCode:") && text.indexOf(';') > 0) {
                        text = text.substring(text.indexOf(';') + 1).trim();
                    }
                }
            } catch (RuntimeException notJson) {
                // Not a JSON body after all: the raw text is still the best message there is.
            }
        }
        return text.isEmpty() ? reason : text;
    }

    /**
     * The status for one item of a bulk answer, which names its error ({@code DeviceAlreadyExists})
     * instead of numbering it; an unknown name is BulkRegistryOperationFailure (400013).
     */
    public static StatusRuntimeException fromErrorName(String name, String message) {
        Integer code = IotHubErrorNames.code(name);
        int numeric = code != null ? code : 400013;
        return fromHub(numeric, message == null || message.isBlank() ? name : message, null, null);
    }

    /** True for failures worth retrying: throttling, 503/500-class outages and dropped connections. */
    public static boolean isTransient(Throwable failure) {
        int httpStatus = UpstreamFailure.httpStatus(failure);
        if (httpStatus < 0) {
            return unwrap(failure) instanceof IOException && !UpstreamFailure.timedOut(failure)
                    && !UpstreamFailure.tlsFailed(failure);
        }
        return httpStatus == 429 || httpStatus == 503 || httpStatus == 500 || httpStatus == 502;
    }

    /** IoT Hub's Retry-After on a failure, when the path that met it could read the header; else null. */
    public static java.time.Duration retryAfter(Throwable failure) {
        return unwrap(failure) instanceof HubErrorResponse hub ? hub.retryAfter() : null;
    }

    /**
     * UNAVAILABLE with reason {@value #OUTCOME_UNKNOWN}: a non-repeatable operation was sent, its
     * answer was lost, and the hub could not tell whether it took effect. The caller must read
     * the resource before trying again (and a direct method may have run).
     */
    public static StatusRuntimeException outcomeUnknown(Throwable lost) {
        Throwable cause = unwrap(lost);
        return gatewayError(Code.UNAVAILABLE, "The connection to IoT Hub failed after the request was sent ("
                + cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage())
                + "), so whether it took effect is unknown; read the resource before retrying", OUTCOME_UNKNOWN);
    }

    /**
     * DEADLINE_EXCEEDED for a call whose deadline passed before its next request went out: that
     * request is not sent. Reason {@code DEADLINE_PASSED}; but when an earlier attempt of a
     * non-repeatable call lost its answer ({@code earlierMayApply}), that attempt may still take
     * effect, so the reason is {@value #OUTCOME_UNKNOWN} and the caller reads the resource before
     * retrying, as for any lost answer.
     */
    public static StatusRuntimeException deadlinePassed(boolean earlierMayApply) {
        if (earlierMayApply) {
            return gatewayError(Code.DEADLINE_EXCEEDED, "The call's deadline passed before IoT Hub answered, after an"
                    + " earlier attempt's answer was lost, so whether it took effect is unknown; read the resource"
                    + " before retrying", OUTCOME_UNKNOWN);
        }
        return gatewayError(Code.DEADLINE_EXCEEDED, "The call's deadline passed before IoT Hub answered", "DEADLINE_PASSED");
    }

    /**
     * A failure the gateway itself detects (capacity, deadline, a stale etag it compared), with
     * the same ErrorInfo shape as upstream failures so clients branch on one thing.
     */
    public static StatusRuntimeException gatewayError(Code code, String message, String reason) {
        return GatewayStatus.of(code, message, reason);
    }

    static StatusRuntimeException status(Code code, String message, String domain, String reason, Integer iotHubCode,
                                         java.time.Duration retryDelay) {
        return GatewayStatus.build(code, message, domain, reason,
                iotHubCode == null ? Map.of() : Map.of("iotHubErrorCode", Integer.toString(iotHubCode)), retryDelay);
    }

    private static Throwable unwrap(Throwable failure) {
        return UpstreamFailure.unwrap(failure);
    }
}
