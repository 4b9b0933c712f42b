package io.hubgate.emulator.jobs;

/** The two kinds of scheduled job IoT Hub runs, with their wire names. */
enum JobType {
    UPDATE_TWIN("scheduleUpdateTwin"),
    DEVICE_METHOD("scheduleDeviceMethod");

    private final String wireName;

    JobType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** The type with this wire name, compared case-insensitively; null when none. */
    public static JobType fromWireName(String name) {
        for (JobType type : values()) {
            if (type.wireName.equalsIgnoreCase(name)) {
                return type;
            }
        }
        return null;
    }
}
