package io.hubgate.common;

/**
 * Reads why a server socket could not be bound, so that the gateway and the emulator can tell
 * their user in one line: "the port is already in use" is a plain answer, anything else is the
 * system's own words. It only reads exceptions; each program words its own advice.
 */
public final class BindFailures {

    private BindFailures() {
    }

    /**
     * EADDRINUSE, anywhere in the cause chain. The JDK's sockets ({@code java.net.BindException})
     * and netty's epoll transport (a NativeIoException) both carry the system's text.
     */
    public static boolean isAddressInUse(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("Address already in use")) {
                return true;
            }
        }
        return false;
    }

    /** The innermost cause's message, or its class name when it has none. */
    public static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
