package io.hubgate.emulator.methods;

import java.util.concurrent.CompletionStage;

/**
 * Delivers a direct-method call to the device side; the answer comes later, when the device
 * answers or the response timeout passes. The identity (device or module) is known to exist when
 * this is called.
 */
@FunctionalInterface
public interface MethodInvoker {

    /**
     * @return the device's answer; completes exceptionally with a
     *         {@link io.hubgate.emulator.http.HubException}: 404 / 404103 when nothing is connected
     *         to answer, 504 / 504101 when the device did not answer within the response timeout
     */
    CompletionStage<MethodResult> invoke(MethodCall call);
}
