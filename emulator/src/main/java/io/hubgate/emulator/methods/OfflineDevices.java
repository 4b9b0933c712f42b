package io.hubgate.emulator.methods;

import io.hubgate.emulator.http.HubErrorCode;
import io.hubgate.emulator.http.HubException;

import java.util.Map;

/**
 * The device side when no device is connected: every call fails as the service fails a call to
 * an offline device, 404 / 404103 DeviceNotOnline.
 */
public final class OfflineDevices implements MethodInvoker {

    @Override
    public MethodResult invoke(MethodCall call) {
        throw notOnline(call);
    }

    public static HubException notOnline(MethodCall call) {
        String target = call.moduleId() == null ? "device " + call.deviceId()
                : "module " + call.moduleId() + " on device " + call.deviceId();
        return new HubException(HubErrorCode.DEVICE_NOT_ONLINE, "The operation failed because the requested " + target
                + " isn't online or hasn't registered the direct method callback for '" + call.methodName()
                + "'. To learn more, see https://aka.ms/iothub404103", Map.of("timeout", "00:00:00"));
    }
}
