package io.hubgate.emulator.jobs;

/**
 * The state of one device's part in a job, as {@code devices.jobs} entries spell it (the service's
 * own enumeration, which differs from the job's: {@code pending}, and {@code canceled} with one l).
 */
enum DeviceJobStatus {
    PENDING("pending"),
    RUNNING("running"),
    COMPLETED("completed"),
    FAILED("failed"),
    CANCELED("canceled");

    private final String wireName;

    DeviceJobStatus(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public boolean isTerminal() {
        return this == COMPLETED || this == FAILED || this == CANCELED;
    }

    public static DeviceJobStatus fromWireName(String name) {
        for (DeviceJobStatus status : values()) {
            if (status.wireName.equals(name)) {
                return status;
            }
        }
        throw new IllegalArgumentException("not a device job status: " + name);
    }
}
