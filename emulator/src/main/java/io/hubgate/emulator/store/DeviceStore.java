package io.hubgate.emulator.store;

import java.util.Collection;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;

/**
 * The hub's devices, kept in memory in device-id order.
 *
 * <p>Thread-safety: reads never lock (a concurrent sorted map of immutable entries). Writes to
 * one device are serialised by a lock striped by device id, so a read-modify-write such as an
 * etag-checked update cannot lose another writer's change; writes to different devices run in
 * parallel. The listener sees each commit under the same lock, so its order per device is the
 * commit order.
 */
public final class DeviceStore {

    /** Lock stripes: enough that unrelated devices rarely share one on a 2–64 core machine. */
    private static final int STRIPES = 256;

    private final ConcurrentSkipListMap<String, DeviceEntry> devices = new ConcurrentSkipListMap<>();
    private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];
    private volatile StoreListener listener = StoreListener.NONE;

    public DeviceStore() {
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    public void setListener(StoreListener listener) {
        this.listener = Objects.requireNonNull(listener);
    }

    /** The current entry, or null. Never blocks. */
    public DeviceEntry get(String deviceId) {
        return devices.get(deviceId);
    }

    /**
     * Atomically replaces one device's entry.
     *
     * @param change gets the current entry (null if none) and returns the new one (null deletes);
     *               it may throw to abort, leaving the store unchanged; returning the same
     *               instance means "no change" and notifies nobody
     * @return the new entry (null if deleted)
     */
    public DeviceEntry update(String deviceId, UnaryOperator<DeviceEntry> change) {
        ReentrantLock lock = stripes[Math.floorMod(deviceId.hashCode(), STRIPES)];
        lock.lock();
        try {
            DeviceEntry current = devices.get(deviceId);
            DeviceEntry next = change.apply(current);
            if (next == current) {
                return current;
            }
            if (next == null) {
                devices.remove(deviceId);
            } else {
                devices.put(deviceId, next);
            }
            listener.committed(deviceId, next);
            return next;
        } finally {
            lock.unlock();
        }
    }

    /** Devices after {@code afterExclusive} (null = all), in id order; a live, weakly consistent view. */
    public Collection<DeviceEntry> after(String afterExclusive) {
        NavigableMap<String, DeviceEntry> view = afterExclusive == null ? devices : devices.tailMap(afterExclusive, false);
        return view.values();
    }

    public int size() {
        return devices.size();
    }

    /** Loads entries restored from disk; only before the store is served. */
    public void restore(Map<String, DeviceEntry> entries) {
        devices.putAll(entries);
    }

    /** Removes everything, notifying the listener of each deletion. */
    public void clear() {
        for (String deviceId : devices.keySet()) {
            update(deviceId, current -> null);
        }
    }
}
