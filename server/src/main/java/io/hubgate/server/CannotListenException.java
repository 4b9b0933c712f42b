package io.hubgate.server;

import io.hubgate.common.BindFailures;

import java.io.IOException;

/**
 * The gateway could not open its gRPC port: a user's problem with a plain answer (another process
 * has the port, or the address is not this machine's), so {@link Main} prints this message as one
 * line instead of a stack trace. It keeps the transport's exception as its cause.
 */
final class CannotListenException extends IOException {

    private CannotListenException(String message, IOException cause) {
        super(message, cause);
    }

    /** Describes why binding {@code address} (host:port, as configured) failed. */
    static CannotListenException of(String address, IOException failure) {
        String reason = BindFailures.isAddressInUse(failure)
                ? "the port is already in use (another hubgate still running?); stop that process, or choose another "
                        + "port with --port or HUBGATE_PORT (0 picks a free one)"
                : BindFailures.rootMessage(failure);
        return new CannotListenException("cannot listen on " + address + ": " + reason, failure);
    }
}
