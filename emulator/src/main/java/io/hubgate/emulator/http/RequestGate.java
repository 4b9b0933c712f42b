package io.hubgate.emulator.http;

/**
 * Decides, after authentication and before the handler, whether a request goes ahead: the
 * place where injected faults and tier quotas act. It may delay the request, refuse it with a
 * {@link HubException} (429, 500, 503 …) or ask for the connection to be dropped.
 */
@FunctionalInterface
public interface RequestGate {

    /**
     * @throws HubException    to refuse the request with that error
     * @throws DropConnection  to close the connection without an answer
     *                         (or {@link HubRequest#dropResponseAfterHandling()} to do so after
     *                         the handler ran)
     */
    void admit(HubRequest request, OperationClass operationClass);

    /** Lets everything through. */
    RequestGate OPEN = (request, operationClass) -> { };

    /** Thrown by a gate to close the connection without answering, as a failing network would. */
    final class DropConnection extends RuntimeException {
        public DropConnection() {
            super("connection dropped by fault injection", null, false, false);
        }
    }
}
