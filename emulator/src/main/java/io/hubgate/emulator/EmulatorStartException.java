package io.hubgate.emulator;

/**
 * The emulator could not start for a reason its user can fix: a port or data directory another
 * process holds, or a state file it cannot read. Its message is one line naming the port,
 * directory or file, fit to print as it is; {@link EmulatorMain} prints it with advice for its
 * {@link #setting()} and no stack trace. The underlying failure stays its cause, for embedders
 * who log it. Programming errors are not this exception.
 */
public final class EmulatorStartException extends RuntimeException {

    /** Which setting the user would change to fix it. */
    public enum Setting {
        /** The address and port to listen on. */
        PORT,
        /** The data directory: another emulator holds it. */
        DATA_DIRECTORY,
        /** A file in the data directory that cannot be read. */
        STATE_FILE
    }

    private final Setting setting;

    EmulatorStartException(Setting setting, String message, Throwable cause) {
        super(message, cause);
        this.setting = setting;
    }

    public Setting setting() {
        return setting;
    }
}
