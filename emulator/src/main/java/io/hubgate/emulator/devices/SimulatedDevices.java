package io.hubgate.emulator.devices;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubgate.emulator.http.HubErrorCode;
import io.hubgate.emulator.http.HubException;
import io.hubgate.emulator.methods.MethodCall;
import io.hubgate.emulator.methods.MethodInvoker;
import io.hubgate.emulator.methods.MethodResult;
import io.hubgate.emulator.methods.OfflineDevices;
import io.hubgate.emulator.registry.IdentityRegistry;
import io.hubgate.emulator.store.ConnectionState;
import io.hubgate.emulator.store.DeviceEntry;
import io.hubgate.emulator.store.DeviceIdentity;
import io.hubgate.emulator.store.ModuleEntry;
import io.hubgate.emulator.twin.TwinRules;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The device side of the hub, played by the emulator: devices and modules connect and
 * disconnect, report properties, and answer direct methods the way a test told them to.
 *
 * <p>Connection state and reported properties live in the store (they are part of the identity
 * and the twin, and are persisted); method behaviours and received calls are simulation state
 * kept here in memory. A method call waits on a timer, never on a request thread, so a device
 * that never answers costs nothing until its timeout ends it with 504 / 504101.
 *
 * <p>Thread-safe. It does not speak MQTT or AMQP: no real device can connect.
 */
public final class SimulatedDevices implements MethodInvoker, AutoCloseable {

    /** Method behaviour registered under this name answers every method without its own. */
    public static final String ANY_METHOD = "*";
    /** Received calls kept per device or module, newest last. */
    public static final int RECEIVED_CALLS_KEPT = 100;

    /** A device ({@code moduleId} null) or a module. */
    public record Target(String deviceId, String moduleId) {
        String describe() {
            return moduleId == null ? "device " + deviceId : "module " + moduleId + " on device " + deviceId;
        }
    }

    private final IdentityRegistry registry;
    private final ScheduledExecutorService timer;
    private final Map<Target, Map<String, MethodBehaviour>> behaviours = new ConcurrentHashMap<>();
    private final Map<Target, Deque<ReceivedCall>> received = new ConcurrentHashMap<>();

    public SimulatedDevices(IdentityRegistry registry) {
        this.registry = registry;
        // A deleted device or module takes its simulation state with it, so an id used again
        // starts clean.
        registry.store().addObserver(this::forgetRemoved);
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "simulated-devices");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Marks the device or module connected (or not), as its connection would. */
    public void setConnected(Target target, boolean connected) {
        Instant now = registry.clock().instant();
        ConnectionState state = connected ? ConnectionState.Connected : ConnectionState.Disconnected;
        registry.updateEntry(target.deviceId(), entry -> {
            if (target.moduleId() == null) {
                DeviceIdentity device = entry.identity();
                if (connected && !device.enabled()) {
                    throw new HubException(HubErrorCode.INVALID_OPERATION,
                            "Device " + target.deviceId() + " is disabled and cannot connect");
                }
                // Connecting is not an identity write: the device's etag stays as it is.
                return entry.withIdentity(device.withConnection(state, now, now, device.etag()));
            }
            ModuleEntry module = module(entry, target);
            return entry.withModule(module.withIdentity(
                    module.identity().withConnection(state, now, now, module.identity().etag())));
        });
        if (!connected) {
            behaviours.remove(target);
        }
    }

    /** Applies reported properties as the device would send them; returns the new entry. */
    public DeviceEntry report(Target target, ObjectNode reported) {
        TwinRules.validateSection("properties.reported", reported);
        return registry.updateEntry(target.deviceId(), entry -> {
            Instant now = registry.clock().instant();
            String etag = registry.etags().nextTwinEtag();
            if (target.moduleId() == null) {
                DeviceIdentity device = entry.identity();
                return entry.withTwin(entry.twin().patchReported(reported, now, etag))
                        .withIdentity(device.withConnection(device.connectionState(), device.connectionStateUpdatedTime(),
                                now, device.etag()));
            }
            ModuleEntry module = module(entry, target);
            var identity = module.identity();
            return entry.withModule(module.withTwin(module.twin().patchReported(reported, now, etag))
                    .withIdentity(identity.withConnection(identity.connectionState(), identity.connectionStateUpdatedTime(),
                            now, identity.etag())));
        });
    }

    /** Registers how the device answers {@code methodName} ({@link #ANY_METHOD} for all). */
    public void onMethod(Target target, String methodName, MethodBehaviour behaviour) {
        requireExists(target);
        behaviours.computeIfAbsent(target, t -> new ConcurrentHashMap<>()).put(methodName, behaviour);
    }

    public void removeMethod(Target target, String methodName) {
        Map<String, MethodBehaviour> methods = behaviours.get(target);
        if (methods != null) {
            methods.remove(methodName);
        }
    }

    /** The calls the device or module received, oldest first. */
    public List<ReceivedCall> receivedCalls(Target target) {
        Deque<ReceivedCall> calls = received.get(target);
        if (calls == null) {
            return List.of();
        }
        synchronized (calls) {
            return List.copyOf(calls);
        }
    }

    @Override
    public CompletionStage<MethodResult> invoke(MethodCall call) {
        Target target = new Target(call.deviceId(), call.moduleId());
        if (!isConnected(target)) {
            return CompletableFuture.failedFuture(OfflineDevices.notOnline(call));
        }
        Map<String, MethodBehaviour> methods = behaviours.getOrDefault(target, Map.of());
        MethodBehaviour behaviour = methods.getOrDefault(call.methodName(), methods.get(ANY_METHOD));
        if (behaviour == null) {
            return CompletableFuture.failedFuture(OfflineDevices.notOnline(call));
        }
        remember(target, new ReceivedCall(call.methodName(), call.payload(), call.responseTimeout(),
                call.connectTimeout(), registry.clock().instant()));

        CompletableFuture<MethodResult> answer = new CompletableFuture<>();
        Duration timeout = call.responseTimeout();
        if (!behaviour.answers() || behaviour.delay().compareTo(timeout) >= 0) {
            timer.schedule(() -> answer.completeExceptionally(timedOut(call)), timeout.toMillis(), TimeUnit.MILLISECONDS);
        } else {
            MethodResult result = new MethodResult(behaviour.status(), behaviour.echo() ? call.payload() : behaviour.payload());
            timer.schedule(() -> answer.complete(result), behaviour.delay().toMillis(), TimeUnit.MILLISECONDS);
        }
        return answer;
    }

    /** Forgets method behaviours and received calls (connection state lives in the store). */
    public void reset() {
        behaviours.clear();
        received.clear();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    private void forgetRemoved(String deviceId, DeviceEntry entry) {
        java.util.function.Predicate<Target> gone = target -> target.deviceId().equals(deviceId)
                && (entry == null || (target.moduleId() != null && !entry.modules().containsKey(target.moduleId())));
        behaviours.keySet().removeIf(gone);
        received.keySet().removeIf(gone);
    }

    private boolean isConnected(Target target) {
        DeviceEntry entry = registry.store().get(target.deviceId());
        if (entry == null) {
            return false;
        }
        if (target.moduleId() == null) {
            return entry.identity().connectionState() == ConnectionState.Connected;
        }
        ModuleEntry module = entry.modules().get(target.moduleId());
        return module != null && module.identity().connectionState() == ConnectionState.Connected;
    }

    private void requireExists(Target target) {
        if (target.moduleId() == null) {
            registry.getDevice(target.deviceId());
        } else {
            registry.getModule(target.deviceId(), target.moduleId());
        }
    }

    private void remember(Target target, ReceivedCall call) {
        Deque<ReceivedCall> calls = received.computeIfAbsent(target, t -> new ArrayDeque<>());
        synchronized (calls) {
            calls.addLast(call);
            while (calls.size() > RECEIVED_CALLS_KEPT) {
                calls.removeFirst();
            }
        }
    }

    private static ModuleEntry module(DeviceEntry entry, Target target) {
        ModuleEntry module = entry.modules().get(target.moduleId());
        if (module == null) {
            throw HubException.moduleNotFound(target.deviceId(), target.moduleId());
        }
        return module;
    }

    private static HubException timedOut(MethodCall call) {
        long seconds = call.responseTimeout().toSeconds();
        return new HubException(HubErrorCode.GATEWAY_TIMEOUT, "Timed out waiting for the response from "
                + new Target(call.deviceId(), call.moduleId()).describe() + " to method '" + call.methodName() + "'",
                Map.of("timeout", String.format("%02d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)));
    }
}
