package io.hubgate.emulator.store;

/**
 * Makes each change to the store durable before it is published. Called in commit order per
 * device, while that device is locked; it must run {@code publish} exactly once after the change
 * is durable (publishing makes it visible to readers), or throw to cancel the change.
 */
@FunctionalInterface
public interface StoreListener {

    /**
     * @param deviceId the device changed
     * @param entry    its new entry, or null when it was deleted
     * @param publish  makes the change visible; run it once the change is durable
     */
    void committed(String deviceId, DeviceEntry entry, Runnable publish);

    /** Keeps nothing: publishes at once. */
    StoreListener NONE = (deviceId, entry, publish) -> publish.run();
}
