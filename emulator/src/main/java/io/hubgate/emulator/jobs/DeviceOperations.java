package io.hubgate.emulator.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubgate.emulator.query.TwinQuery;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * What a running job needs from the rest of the hub: which devices a condition selects, and the
 * two things a job does to one device. The emulator wires these to its registry, twins and
 * simulated devices; each operation goes through the hub's fault rules for job device operations.
 */
public interface DeviceOperations {

    /** The ids of the devices whose twins match the condition now, in id order. */
    List<String> select(TwinQuery condition);

    /**
     * Merges tags and desired properties into a device's twin as a forced update (no etag check).
     *
     * @throws io.hubgate.emulator.http.HubException when the hub refuses (the device is gone, a fault …)
     */
    void updateTwin(String deviceId, JobSpec spec);

    /**
     * Invokes the job's method on a device.
     *
     * @return the device's answer as {@code {"status":…,"payload":…}}; completes exceptionally with
     *         a {@link io.hubgate.emulator.http.HubException} (404103 not online, 504101 no answer …)
     */
    CompletionStage<JsonNode> invokeMethod(String deviceId, JobSpec spec);

    /** Nanoseconds to wait before the next device operation may start: the tier's job-device pace (0: now). */
    long pace();
}
