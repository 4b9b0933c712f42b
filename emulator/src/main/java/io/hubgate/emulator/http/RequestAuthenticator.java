package io.hubgate.emulator.http;

/** Decides whether a request may perform its operation; throws a 401 {@link HubException} if not. */
@FunctionalInterface
public interface RequestAuthenticator {

    void authenticate(HubRequest request, Operation operation);
}
