package io.hubgate.emulator.store;

/**
 * Told of every committed change to the store, in commit order per device, while that device is
 * still locked — so a journal written here replays in the right order.
 */
@FunctionalInterface
public interface StoreListener {

    /**
     * @param deviceId the device changed
     * @param entry    its new entry, or null when it was deleted
     */
    void committed(String deviceId, DeviceEntry entry);

    StoreListener NONE = (deviceId, entry) -> { };
}
