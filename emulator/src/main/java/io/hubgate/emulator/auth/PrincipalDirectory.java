package io.hubgate.emulator.auth;

import java.util.Optional;
import java.util.Set;

/**
 * Who a bearer token's {@code oid} is and which IoT Hub roles are assigned to it: the part of a
 * directory that {@link BearerAuthenticator} needs, so that it does not depend on where the
 * directory comes from.
 */
public interface PrincipalDirectory {

    /** The roles assigned to the principal with this object id; empty for an unknown principal. */
    Set<BuiltInRole> hubRolesOf(String objectId);

    /** The principal's display name, if the directory knows it. */
    Optional<String> displayNameOf(String objectId);
}
