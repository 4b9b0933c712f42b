package io.hubgate.server.service;

import com.google.gson.JsonObject;

/**
 * A validated update of one identity (a device or a module), applied by the read-modify-write of
 * {@link RegistryServiceImpl}: the caller's etag, its check against the one read, and the fields
 * it changes. What to read and write is the caller's; this says only what changes.
 */
interface IdentityUpdate {

    /** The caller's etag, or empty for "whatever is current". */
    String etag();

    /** ABORTED when the caller's etag is set and is no longer {@code currentEtag}. */
    void checkEtag(String currentEtag);

    /** Sets the updated fields on the identity's JSON as read. */
    void applyTo(JsonObject identity);
}
