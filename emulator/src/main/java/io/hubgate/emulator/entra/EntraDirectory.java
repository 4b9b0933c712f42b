package io.hubgate.emulator.entra;

import io.hubgate.emulator.auth.BuiltInRole;
import io.hubgate.emulator.auth.PrincipalDirectory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The local Entra tenant: its id, its applications and managed identities, the IoT Hub roles
 * assigned to them, and the app roles they hold on other applications (e.g. {@code Twin.Read} on
 * {@code api://hubgate}). Built once (from {@link DefaultDirectory}, a config file read by
 * {@link EntraConfigFile}, or code) and immutable afterwards, so it is safe to share between threads.
 *
 * <p>It does not issue or check tokens; it only answers who is who and who may do what.
 */
public final class EntraDirectory implements PrincipalDirectory {

    private static final Pattern GUID = Pattern.compile("[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}");

    private final String tenantId;
    private final List<EntraApplication> applications;
    private final List<ManagedIdentity> managedIdentities;
    private final Map<String, Set<BuiltInRole>> hubRoles;
    private final Map<String, Map<String, Set<String>>> appRoles;

    private EntraDirectory(Builder builder) {
        this.tenantId = builder.tenantId;
        this.applications = List.copyOf(builder.applications);
        this.managedIdentities = List.copyOf(builder.managedIdentities);
        Map<String, Set<BuiltInRole>> roles = new LinkedHashMap<>();
        builder.hubRoles.forEach((oid, set) -> roles.put(oid, Collections.unmodifiableSet(new LinkedHashSet<>(set))));
        this.hubRoles = Collections.unmodifiableMap(roles);
        Map<String, Map<String, Set<String>>> assigned = new LinkedHashMap<>();
        builder.appRoles.forEach((oid, byResource) -> {
            Map<String, Set<String>> copy = new LinkedHashMap<>();
            byResource.forEach((resource, values) -> copy.put(resource, Set.copyOf(values)));
            assigned.put(oid, Collections.unmodifiableMap(copy));
        });
        this.appRoles = Collections.unmodifiableMap(assigned);
    }

    public static Builder builder(String tenantId) {
        return new Builder(tenantId);
    }

    public String tenantId() {
        return tenantId;
    }

    public List<EntraApplication> applications() {
        return applications;
    }

    /** The application with this client id, display name or object id. */
    public Optional<EntraApplication> application(String reference) {
        return applications.stream().filter(a -> refersTo(a, reference)).findFirst();
    }

    /** The application with this client id only: how the token endpoint looks clients up. */
    public Optional<EntraApplication> applicationByClientId(String clientId) {
        return applications.stream().filter(a -> a.clientId().equalsIgnoreCase(clientId)).findFirst();
    }

    /** The system-assigned identity for a null reference, else the identity with that client id, name or object id. */
    Optional<ManagedIdentity> managedIdentity(String reference) {
        if (reference == null) {
            return managedIdentities.stream().filter(ManagedIdentity::systemAssigned).findFirst();
        }
        return managedIdentities.stream().filter(m -> refersTo(m, reference)).findFirst();
    }

    /** An application or a managed identity, by client id, display name or object id. */
    Optional<EntraPrincipal> principal(String reference) {
        Optional<EntraPrincipal> app = application(reference).map(a -> a);
        return app.isPresent() ? app : managedIdentity(reference).map(m -> m);
    }

    /** The application that exposes this identifier URI (the resource of an {@code api://…/.default} scope). */
    public Optional<EntraApplication> resourceApplication(String identifierUri) {
        return applications.stream().filter(a -> a.identifierUris().contains(identifierUri)).findFirst();
    }

    /** App roles the principal holds on the resource application with this identifier URI. */
    public Set<String> appRolesOf(String objectId, EntraApplication resource) {
        Map<String, Set<String>> byResource = appRoles.getOrDefault(objectId, Map.of());
        return resource.identifierUris().stream().map(byResource::get).filter(s -> s != null)
                .flatMap(Set::stream).collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
    }

    @Override
    public Set<BuiltInRole> hubRolesOf(String objectId) {
        return hubRoles.getOrDefault(objectId, Set.of());
    }

    @Override
    public Optional<String> displayNameOf(String objectId) {
        return principal(objectId).filter(p -> p.objectId().equalsIgnoreCase(objectId)).map(EntraPrincipal::displayName);
    }

    private static boolean refersTo(EntraPrincipal principal, String reference) {
        return principal.clientId().equalsIgnoreCase(reference) || principal.objectId().equalsIgnoreCase(reference)
                || principal.displayName().equals(reference);
    }

    @Override
    public String toString() {
        return "EntraDirectory[tenant " + tenantId + ", " + applications.size() + " application(s), "
                + managedIdentities.size() + " managed identit(y/ies)]";
    }

    /**
     * Collects a directory; {@link #build()} checks it whole. Assignments name their principal by
     * display name, client id or object id, and the principal may be added before or after.
     */
    public static final class Builder {
        private final String tenantId;
        private final List<EntraApplication> applications = new ArrayList<>();
        private final List<ManagedIdentity> managedIdentities = new ArrayList<>();
        private final List<HubAssignment> pendingHubRoles = new ArrayList<>();
        private final List<AppAssignment> pendingAppRoles = new ArrayList<>();
        private final Map<String, Set<BuiltInRole>> hubRoles = new LinkedHashMap<>();
        private final Map<String, Map<String, Set<String>>> appRoles = new LinkedHashMap<>();

        private Builder(String tenantId) {
            if (tenantId == null || !GUID.matcher(tenantId).matches()) {
                throw new IllegalArgumentException("a tenant id is a GUID, not '" + tenantId + "'");
            }
            this.tenantId = tenantId.toLowerCase(java.util.Locale.ROOT);
        }

        public Builder application(EntraApplication application) {
            applications.add(application);
            return this;
        }

        Builder managedIdentity(ManagedIdentity identity) {
            managedIdentities.add(identity);
            return this;
        }

        /** Assigns an IoT Hub data role to a principal (name, client id or object id). */
        public Builder assignHubRole(String principal, BuiltInRole role) {
            pendingHubRoles.add(new HubAssignment(principal, role));
            return this;
        }

        /** Assigns app roles of the application exposing {@code resourceUri} to a principal. */
        public Builder assignAppRoles(String principal, String resourceUri, List<String> roles) {
            pendingAppRoles.add(new AppAssignment(principal, resourceUri, List.copyOf(roles)));
            return this;
        }

        /** @throws IllegalArgumentException naming the first inconsistency found */
        public EntraDirectory build() {
            Set<String> clientIds = new java.util.HashSet<>();
            Set<String> names = new java.util.HashSet<>();
            Set<String> uris = new java.util.HashSet<>();
            List<EntraPrincipal> all = new ArrayList<>(applications);
            all.addAll(managedIdentities);
            for (EntraPrincipal principal : all) {
                for (String id : List.of(principal.clientId(), principal.objectId())) {
                    if (!GUID.matcher(id).matches()) {
                        throw new IllegalArgumentException(principal.displayName() + ": '" + id + "' is not a GUID");
                    }
                }
                if (!clientIds.add(principal.clientId().toLowerCase(java.util.Locale.ROOT))) {
                    throw new IllegalArgumentException("the client id " + principal.clientId() + " is used twice");
                }
                if (!names.add(principal.displayName())) {
                    throw new IllegalArgumentException("the display name " + principal.displayName() + " is used twice");
                }
            }
            for (EntraApplication application : applications) {
                for (String uri : application.identifierUris()) {
                    if (!uris.add(uri)) {
                        throw new IllegalArgumentException("the identifier URI " + uri + " is exposed by two applications");
                    }
                }
            }
            if (managedIdentities.stream().filter(ManagedIdentity::systemAssigned).count() > 1) {
                throw new IllegalArgumentException("there can be only one system-assigned managed identity");
            }
            for (HubAssignment pending : pendingHubRoles) {
                EntraPrincipal principal = resolve(all, pending.principal());
                hubRoles.computeIfAbsent(principal.objectId(), k -> new LinkedHashSet<>()).add(pending.role());
            }
            for (AppAssignment pending : pendingAppRoles) {
                EntraPrincipal principal = resolve(all, pending.principal());
                String resourceUri = pending.resourceUri();
                EntraApplication resource = applications.stream().filter(a -> a.identifierUris().contains(resourceUri))
                        .findFirst().orElseThrow(() -> new IllegalArgumentException(
                                "no application exposes the identifier URI " + resourceUri));
                List<String> roles = pending.roles();
                for (String role : roles) {
                    if (!resource.appRoles().contains(role)) {
                        throw new IllegalArgumentException(resource.displayName() + " exposes no app role '" + role
                                + "'; it exposes " + resource.appRoles());
                    }
                }
                appRoles.computeIfAbsent(principal.objectId(), k -> new LinkedHashMap<>())
                        .computeIfAbsent(resourceUri, k -> new LinkedHashSet<>()).addAll(roles);
            }
            return new EntraDirectory(this);
        }

        private record HubAssignment(String principal, BuiltInRole role) {
        }

        private record AppAssignment(String principal, String resourceUri, List<String> roles) {
        }

        private static EntraPrincipal resolve(List<EntraPrincipal> all, String reference) {
            return all.stream().filter(p -> refersTo(p, reference)).findFirst().orElseThrow(() ->
                    new IllegalArgumentException("a role assignment names '" + reference
                            + "', which is no application or managed identity of the directory"));
        }
    }
}
