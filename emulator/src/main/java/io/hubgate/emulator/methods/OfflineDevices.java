package io.hubgate.emulator.methods;

import io.hubgate.emulator.http.HubErrorCode;
import io.hubgate.emulator.http.HubException;

import java.util.Map;

/** How the service fails a direct method that no device can answer: 404 / 404103 DeviceNotOnline. */
public final class OfflineDevices {

    private OfflineDevices() {
    }

    public static HubException notOnline(MethodCall call) {
        String target = call.moduleId() == null ? "device " + call.deviceId()
                : "module " + call.moduleId() + " on device " + call.deviceId();
        return new HubException(HubErrorCode.DEVICE_NOT_ONLINE, "The operation failed because the requested " + target
                + " isn't online or hasn't registered the direct method callback for '" + call.methodName()
                + "'. To learn more, see https://aka.ms/iothub404103", Map.of("timeout", "00:00:00"));
    }
}
