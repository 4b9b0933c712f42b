package io.hubgate.sample;

import com.google.protobuf.Value;
import io.hubgate.api.v1.InvokeMethodRequest;
import io.hubgate.api.v1.InvokeMethodResponse;
import io.hubgate.api.v1.MethodServiceGrpc;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** {@code invoke DEVICE_ID METHOD [--payload JSON] [--timeout 30s]}: a direct method and the device's answer. */
@Command(name = "invoke", mixinStandardHelpOptions = true, description = "Invokes a direct method on a connected device and prints its answer.")
final class InvokeCommand implements Callable<Integer> {
    /** Beyond the device's response timeout: time for the gateway and the hub to pass the answer on. */
    private static final Duration CALL_MARGIN = Duration.ofSeconds(15);

    @ParentCommand HubgateCli cli;
    @Parameters(index = "0", paramLabel = "DEVICE_ID") String deviceId;
    @Parameters(index = "1", paramLabel = "METHOD") String method;
    @Option(names = "--module", paramLabel = "MODULE_ID", description = "Call the module's method.") String moduleId;
    @Option(names = "--payload", paramLabel = "JSON", converter = Json.ValueConverter.class,
            description = "The method's payload, any JSON value (default: null).") Value payload;
    @Option(names = "--timeout", defaultValue = "30s", converter = Json.DurationConverter.class,
            description = "How long the device has to answer, 5s to 300s (default: ${DEFAULT-VALUE}).") Duration timeout;

    @Override
    public Integer call() {
        InvokeMethodRequest.Builder request = InvokeMethodRequest.newBuilder().setDeviceId(deviceId).setMethodName(method)
                .setResponseTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(timeout.getSeconds())
                        .setNanos(timeout.getNano()));
        if (moduleId != null) {
            request.setModuleId(moduleId);
        }
        if (payload != null) {
            request.setPayload(payload);
        }
        return cli.call(channel -> {
            InvokeMethodResponse response = MethodServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(timeout.plus(CALL_MARGIN).toMillis(), TimeUnit.MILLISECONDS)
                    .invokeMethod(request.build());
            cli.printPretty(response);
        });
    }
}
