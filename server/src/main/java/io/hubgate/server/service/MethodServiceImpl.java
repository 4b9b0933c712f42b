package io.hubgate.server.service;

import com.google.protobuf.Duration;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodRequestOptions;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodResponse;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import io.grpc.stub.StreamObserver;
import io.hubgate.api.v1.InvokeMethodRequest;
import io.hubgate.api.v1.InvokeMethodResponse;
import io.hubgate.api.v1.MethodServiceGrpc;
import io.hubgate.server.hub.HubClients;
import io.hubgate.server.hub.RetryPolicy.Repeatability;
import io.hubgate.server.hub.UpstreamCalls;

import java.nio.charset.StandardCharsets;

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
                    .optionalModuleId("module_id", request.getModuleId())
                    .methodName("method_name", request.getMethodName());
            if (request.hasPayload()) {
                PayloadChecks.finiteNumbers(validation, "payload", request.getPayload());
            }
            int responseTimeout = seconds(validation, "response_timeout", request.hasResponseTimeout()
                    ? request.getResponseTimeout() : null, DEFAULT_RESPONSE_TIMEOUT_SECONDS, MIN_RESPONSE_TIMEOUT_SECONDS);
            int connectTimeout = seconds(validation, "connect_timeout", request.hasConnectTimeout()
                    ? request.getConnectTimeout() : null, 0, 0);
            validation.check(); // before serializing: a NaN cannot be serialized
            Object payload = request.hasPayload() ? StructConverter.toJava(request.getPayload()) : null;
            if (request.hasPayload() && payloadBytes(request) > MAX_PAYLOAD_BYTES) {
                throw Validation.invalidField("payload", "the payload is larger than " + MAX_PAYLOAD_BYTES
                        + " bytes once serialized");
            }
            String deviceId = request.getDeviceId();
            String moduleId = request.getModuleId();
            // NOT_REPEATABLE without a verifier: a method whose answer was lost may have run on the
            // device, and nothing records that it did, so the caller is told the outcome is unknown.
            Responses.complete(calls.runHere(Repeatability.NOT_REPEATABLE, upstream -> {
                int effectiveResponse = upstream.callerDeadline()
                        ? withinDeadline(responseTimeout, connectTimeout, upstream.remaining()) : responseTimeout;
                java.time.Duration readTimeout = java.time.Duration.ofSeconds(effectiveResponse + connectTimeout + READ_MARGIN_SECONDS);
                if (!HubClients.sdkCanAddress(deviceId, moduleId)) {
                    return upstream.restCovering(readTimeout).invokeMethod(deviceId, moduleId,
                            restRequest(request.getMethodName(), effectiveResponse, connectTimeout, request));
                }
                DirectMethodRequestOptions options = DirectMethodRequestOptions.builder().payload(payload)
                        .methodResponseTimeoutSeconds(effectiveResponse).methodConnectTimeoutSeconds(connectTimeout).build();
                var methods = upstream.sdkCovering(readTimeout).methods();
                return moduleId.isEmpty()
                        ? methods.invoke(deviceId, request.getMethodName(), options)
                        : methods.invoke(deviceId, moduleId, request.getMethodName(), options);
            }), MethodServiceImpl::response, observer);
        });
    }

    /** The controlled path's request body, as the SDK would send it. */
    private static JsonObject restRequest(String methodName, int responseTimeout, int connectTimeout, InvokeMethodRequest request) {
        JsonObject body = new JsonObject();
        body.addProperty("methodName", methodName);
        body.addProperty("responseTimeoutInSeconds", responseTimeout);
        if (connectTimeout > 0) {
            body.addProperty("connectTimeoutInSeconds", connectTimeout);
        }
        body.add("payload", request.hasPayload() ? StructConverter.toGson(request.getPayload()) : JsonNull.INSTANCE);
        return body;
    }

    private static InvokeMethodResponse response(DirectMethodResponse answer) {
        InvokeMethodResponse.Builder response = InvokeMethodResponse.newBuilder()
                .setStatus(answer.getStatus() == null ? 0 : answer.getStatus());
        response.setPayload(StructConverter.fromGson(answer.getPayloadAsJsonElement()));
        return response.build();
    }

    /** The response timeout, cut to the time the caller's deadline leaves (never below IoT Hub's minimum). */
    static int withinDeadline(int responseTimeout, int connectTimeout, java.time.Duration remaining) {
        long left = remaining.toSeconds() - connectTimeout;
        return (int) Math.max(MIN_RESPONSE_TIMEOUT_SECONDS, Math.min(responseTimeout, left));
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
