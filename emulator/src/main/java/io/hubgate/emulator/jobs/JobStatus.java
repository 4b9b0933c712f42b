package io.hubgate.emulator.jobs;

/**
 * A scheduled job's state as the service spells it. A job is {@code queued} when accepted,
 * {@code scheduled} while its start time is ahead, {@code running} while its devices are worked
 * on, and ends {@code completed} (every device processed, or the maximum execution time spent),
 * {@code failed} (the job itself could not run, e.g. its query condition is invalid) or
 * {@code cancelled}.
 */
enum JobStatus {
    QUEUED("queued"),
    SCHEDULED("scheduled"),
    RUNNING("running"),
    COMPLETED("completed"),
    FAILED("failed"),
    CANCELLED("cancelled");

    private final String wireName;

    JobStatus(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public boolean isTerminal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED;
    }

    /** The status with this wire name (case-insensitive); null when none. */
    public static JobStatus fromWireName(String name) {
        for (JobStatus status : values()) {
            if (status.wireName.equalsIgnoreCase(name)) {
                return status;
            }
        }
        return null;
    }
}
