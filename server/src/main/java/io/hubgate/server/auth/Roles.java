package io.hubgate.server.auth;

import java.util.List;

/**
 * The gateway's built-in roles, named exactly as the app roles of the {@code api://hubgate} app
 * registration (the local Entra issues the same ones), so a token's {@code roles} claim is used
 * as it is. {@link AccessPolicy#defaults()} gives each the least it needs.
 */
public final class Roles {

    /** Read device and module identities (without keys), list them, registry statistics. */
    public static final String REGISTRY_READ = "Registry.Read";
    /** Create, update and delete identities, singly or in batches. */
    public static final String REGISTRY_WRITE = "Registry.Write";
    /** Read twins and query them. */
    public static final String TWIN_READ = "Twin.Read";
    /** Update and replace twins. */
    public static final String TWIN_WRITE = "Twin.Write";
    /** Invoke direct methods on devices and modules. */
    public static final String METHOD_INVOKE = "Method.Invoke";
    /** See symmetric keys (IDENTITY_VIEW_WITH_KEYS); it grants no RPC by itself. */
    public static final String KEYS_READ = "Keys.Read";

    public static final List<String> BUILT_IN =
            List.of(REGISTRY_READ, REGISTRY_WRITE, TWIN_READ, TWIN_WRITE, METHOD_INVOKE, KEYS_READ);

    private Roles() {
    }
}
