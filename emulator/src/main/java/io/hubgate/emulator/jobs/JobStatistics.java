package io.hubgate.emulator.jobs;

/**
 * A job's {@code deviceJobStatistics}: how many devices it targets and where each stands.
 * Immutable; {@link #move} gives the counts after one device changes state.
 */
record JobStatistics(int deviceCount, int failedCount, int succeededCount, int runningCount, int pendingCount) {

    public static final JobStatistics NONE = new JobStatistics(0, 0, 0, 0, 0);

    /** Every one of {@code devices} pending. */
    public static JobStatistics pending(int devices) {
        return new JobStatistics(devices, 0, 0, 0, devices);
    }

    /** The counts after one device went from {@code from} (null: newly added) to {@code to}. */
    public JobStatistics move(DeviceJobStatus from, DeviceJobStatus to) {
        int[] counts = {deviceCount, failedCount, succeededCount, runningCount, pendingCount};
        if (from == null) {
            counts[0]++;
        } else {
            counts[slot(from)]--;
        }
        counts[slot(to)]++;
        return new JobStatistics(counts[0], counts[1], counts[2], counts[3], counts[4]);
    }

    /** Cancelled devices count as failed: the service's statistics have no slot for them. */
    private static int slot(DeviceJobStatus status) {
        return switch (status) {
            case FAILED, CANCELED -> 1;
            case COMPLETED -> 2;
            case RUNNING -> 3;
            case PENDING -> 4;
        };
    }
}
