package io.hubgate.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubgate.emulator.api.QueryApi;
import io.hubgate.emulator.faults.FaultInjector;
import io.hubgate.emulator.http.IfMatch;
import io.hubgate.emulator.jobs.DeviceOperations;
import io.hubgate.emulator.jobs.JobSpec;
import io.hubgate.emulator.json.Json;
import io.hubgate.emulator.methods.MethodCall;
import io.hubgate.emulator.methods.MethodInvoker;
import io.hubgate.emulator.query.TwinQuery;
import io.hubgate.emulator.registry.IdentityRegistry;
import io.hubgate.emulator.registry.TwinRegistry;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What a running job does to the emulator's devices: selects them with the twin query engine,
 * patches their twins and calls their methods on the simulated devices, each operation through
 * the fault rules for job device operations and paced by the tier's quota.
 */
final class JobDevices implements DeviceOperations {

    private final QueryApi query;
    private final IdentityRegistry registry;
    private final TwinRegistry twins;
    private final MethodInvoker methods;
    private final FaultInjector faults;

    JobDevices(QueryApi query, IdentityRegistry registry, TwinRegistry twins, MethodInvoker methods, FaultInjector faults) {
        this.query = query;
        this.registry = registry;
        this.twins = twins;
        this.methods = methods;
        this.faults = faults;
    }

    @Override
    public List<String> select(TwinQuery condition) {
        return query.deviceIds(condition);
    }

    @Override
    public void updateTwin(String deviceId, JobSpec spec) {
        faults.admitJobDeviceOperation();
        twins.changeDeviceTwin(deviceId, IfMatch.ANY, TwinRegistry.patch(spec.tags(), spec.desired()));
    }

    @Override
    public CompletionStage<JsonNode> invokeMethod(String deviceId, JobSpec spec) {
        try {
            faults.admitJobDeviceOperation();
            registry.getDevice(deviceId);
        } catch (RuntimeException refused) {
            return CompletableFuture.failedFuture(refused);
        }
        MethodCall call = new MethodCall(deviceId, null, spec.methodName(),
                spec.payload() == null ? NullNode.getInstance() : spec.payload(), spec.responseTimeout(),
                spec.connectTimeout());
        return methods.invoke(call).thenApply(result -> {
            ObjectNode answer = Json.object();
            answer.put("status", result.status());
            answer.set("payload", result.payload() == null ? NullNode.getInstance() : result.payload());
            return answer;
        });
    }

    @Override
    public long pace() {
        return faults.jobDevicePace();
    }
}
