package io.hubgate.server.api;

import com.google.protobuf.Duration;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodRequestOptions;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodResponse;
import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import io.hubgate.api.v1.InvokeMethodRequest;
import io.hubgate.api.v1.InvokeMethodResponse;
import io.hubgate.api.v1.MethodServiceGrpc;
import io.hubgate.server.hub.RetryPolicy.Repeatability;
import io.hubgate.server.hub.UpstreamCalls;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Direct methods over gRPC through the SDK's DirectMethodsClient. The device's response timeout
 * is cut to what remains of the caller's deadline, so IoT Hub gives up no later than the caller
 * does. A method is never retried unless IoT Hub provably did not deliver it (throttled).
 */
public final class MethodServiceImpl extends MethodServiceGrpc.MethodServiceImplBase {

    static final int MIN_RESPONSE_TIMEOUT_SECONDS = 5;
    static final int MAX_TIMEOUT_SECONDS = 300;
    static final int DEFAULT_RESPONSE_TIMEOUT_SECONDS = 30;
    static final int MAX_PAYLOAD_BYTES = 128 * 1024;
    /** Extra read time beyond the method's own timeouts, for IoT Hub to answer. */
    static final int READ_MARGIN_SECONDS = 5;

    private final UpstreamCalls calls;

    public MethodServiceImpl(UpstreamCalls calls) {
        this.calls = calls;
    }

    @Override
    public void invokeMethod(InvokeMethodRequest request, StreamObserver<InvokeMethodResponse> observer) {
        Responses.guard(observer, () -> {
            Validation validation = new Validation().id("device_id", request.getDeviceId(), "device id")
                    .optionalModuleId("module_id", request.getModuleId());
            if (request.getMethodName().isBlank()) {
                validation.add("method_name", "the method name is required");
            }
            int responseTimeout = seconds(validation, "response_timeout", request.hasResponseTimeout()
                    ? request.getResponseTimeout() : null, DEFAULT_RESPONSE_TIMEOUT_SECONDS, MIN_RESPONSE_TIMEOUT_SECONDS);
            int connectTimeout = seconds(validation, "connect_timeout", request.hasConnectTimeout()
                    ? request.getConnectTimeout() : null, 0, 0);
            Object payload = request.hasPayload() ? StructConverter.toJava(request.getPayload()) : null;
            if (request.hasPayload() && payloadBytes(request) > MAX_PAYLOAD_BYTES) {
                validation.add("payload", "the payload is larger than " + MAX_PAYLOAD_BYTES + " bytes once serialized");
            }
            validation.check();
            int effectiveResponse = withinDeadline(responseTimeout, connectTimeout);
            DirectMethodRequestOptions options = DirectMethodRequestOptions.builder().payload(payload)
                    .methodResponseTimeoutSeconds(effectiveResponse).methodConnectTimeoutSeconds(connectTimeout).build();
            java.time.Duration readTimeout = java.time.Duration.ofSeconds(effectiveResponse + connectTimeout + READ_MARGIN_SECONDS);
            Responses.complete(calls.runHere(Repeatability.NOT_REPEATABLE, (clients, remaining) -> {
                var methods = clients.covering(readTimeout).methods();
                return request.getModuleId().isEmpty()
                        ? methods.invoke(request.getDeviceId(), request.getMethodName(), options)
                        : methods.invoke(request.getDeviceId(), request.getModuleId(), request.getMethodName(), options);
            }), MethodServiceImpl::response, observer);
        });
    }

    private static InvokeMethodResponse response(DirectMethodResponse answer) {
        InvokeMethodResponse.Builder response = InvokeMethodResponse.newBuilder()
                .setStatus(answer.getStatus() == null ? 0 : answer.getStatus());
        response.setPayload(StructConverter.fromGson(answer.getPayloadAsJsonElement()));
        return response.build();
    }

    /** The response timeout, cut to the caller's remaining deadline (never below IoT Hub's minimum). */
    private static int withinDeadline(int responseTimeout, int connectTimeout) {
        io.grpc.Deadline deadline = Context.current().getDeadline();
        if (deadline == null) {
            return responseTimeout;
        }
        long remaining = deadline.timeRemaining(TimeUnit.SECONDS) - connectTimeout;
        return (int) Math.max(MIN_RESPONSE_TIMEOUT_SECONDS, Math.min(responseTimeout, remaining));
    }

    /** Whole seconds from {@code min} to 300, or a violation on {@code field}; the default when unset. */
    static int seconds(Validation validation, String field, Duration duration, int defaultSeconds, int min) {
        if (duration == null) {
            return defaultSeconds;
        }
        if (duration.getNanos() != 0 || duration.getSeconds() < min || duration.getSeconds() > MAX_TIMEOUT_SECONDS) {
            validation.add(field, field + " must be whole seconds from " + min + " to " + MAX_TIMEOUT_SECONDS);
            return defaultSeconds;
        }
        return (int) duration.getSeconds();
    }

    private static int payloadBytes(InvokeMethodRequest request) {
        return payloadBytes(request.getPayload());
    }

    /** A method payload's size as IoT Hub meters it: its JSON text in UTF-8. */
    static int payloadBytes(com.google.protobuf.Value payload) {
        return StructConverter.toGson(payload).toString().getBytes(StandardCharsets.UTF_8).length;
    }
}
