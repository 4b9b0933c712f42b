package io.hubgate.emulator.methods;

/**
 * Delivers a direct-method call to the device side and waits for the answer. The identity
 * (device or module) is known to exist when this is called.
 */
@FunctionalInterface
public interface MethodInvoker {

    /**
     * @throws io.hubgate.emulator.http.HubException 404 / 404103 when nothing is connected to answer,
     *         504 / 504101 when the device did not answer within the response timeout
     */
    MethodResult invoke(MethodCall call);
}
