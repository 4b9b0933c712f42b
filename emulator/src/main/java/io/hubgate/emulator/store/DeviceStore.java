package io.hubgate.emulator.store;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
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
 * parallel. The listener (the journal) sees each change under the same lock and publishes it once
 * durable, so its order per device is the commit order and a listener that throws (a journal that
 * cannot write) cancels the change. Observers hear of a change after it is visible.
 */
public final class DeviceStore {

    /** Lock stripes: enough that unrelated devices rarely share one on a 2–64 core machine. */
    private static final int STRIPES = 256;

    private final ConcurrentSkipListMap<String, DeviceEntry> devices = new ConcurrentSkipListMap<>();
    private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];
    private volatile StoreListener listener = StoreListener.NONE;
    private final List<BiConsumer<String, DeviceEntry>> observers = new CopyOnWriteArrayList<>();

    public DeviceStore() {
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    /** The one listener that makes changes durable (the journal). */
    public void setListener(StoreListener listener) {
        this.listener = Objects.requireNonNull(listener);
    }

    /** Also tell {@code observer} of every change, after it is visible (null entry: deleted). */
    public void addObserver(BiConsumer<String, DeviceEntry> observer) {
        observers.add(Objects.requireNonNull(observer));
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
            // Durable first: if the write cannot be journaled it must not become visible either.
            listener.committed(deviceId, next, () -> {
                if (next == null) {
                    devices.remove(deviceId);
                } else {
                    devices.put(deviceId, next);
                }
            });
            for (BiConsumer<String, DeviceEntry> observer : observers) {
                observer.accept(deviceId, next);
            }
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
