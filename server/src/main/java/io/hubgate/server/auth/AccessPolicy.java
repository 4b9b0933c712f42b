package io.hubgate.server.auth;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.hubgate.api.v1.JobServiceGrpc;
import io.hubgate.api.v1.MethodServiceGrpc;
import io.hubgate.api.v1.RegistryServiceGrpc;
import io.hubgate.api.v1.TwinServiceGrpc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which roles may call which API method: a declarative map from the gRPC full method name to the
 * roles that may call it, any one of them sufficing. A method the policy does not name is denied
 * to everyone (fail closed), and every policy, built in or loaded, must name every RPC of
 * RegistryService, TwinService, MethodService and JobService, so a new RPC cannot ship open by accident.
 *
 * <p>The policy file is JSON, one object with one member, {@code methods}:
 * <pre>{@code
 * {
 *   "methods": {
 *     "hubgate.v1.RegistryService/GetDevice": ["Registry.Read"],
 *     "hubgate.v1.RegistryService/DeleteDevice": ["Registry.Write"],
 *     "hubgate.v1.TwinService/GetTwin": ["Twin.Read", "Twin.Write"],
 *     "hubgate.v1.MethodService/InvokeMethod": [],
 *     ...
 *   }
 * }
 * }</pre>
 * Every RPC of the four services must appear exactly once; an empty list means no one may call
 * it. Role names are matched exactly against the caller's roles (the token's app roles); they
 * need not be {@link Roles built-in} ones. Unknown members, unknown method names, duplicates and
 * anything that is not a list of non-blank strings are refused with a message naming the entry.
 *
 * <p>The {@link #defaults() built-in policy} ({@code default-access-policy.json} beside this
 * class) is least-privilege: reads need the {@code *.Read} role of their area, writes the
 * {@code *.Write} role, InvokeMethod {@code Method.Invoke}; jobs are read with {@code Twin.Read}
 * and created or cancelled with {@code Twin.Write} or {@code Method.Invoke}, the one the job's
 * action needs (see {@link RoleJobAccess}); {@code Keys.Read} grants no RPC (it only unlocks
 * keys, see {@link RoleKeyAccess}). Health and reflection are not API methods and
 * are not governed by the policy.
 *
 * <p>Immutable and thread-safe.
 */
public final class AccessPolicy {

    private static final String DEFAULT_RESOURCE = "default-access-policy.json";
    private static final List<ServiceDescriptor> SERVICES = List.of(RegistryServiceGrpc.getServiceDescriptor(),
            TwinServiceGrpc.getServiceDescriptor(), MethodServiceGrpc.getServiceDescriptor(),
            JobServiceGrpc.getServiceDescriptor());
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final AccessPolicy DEFAULTS = readDefaults();

    private final Map<String, Set<String>> rolesByMethod;

    private AccessPolicy(Map<String, Set<String>> rolesByMethod) {
        this.rolesByMethod = Map.copyOf(rolesByMethod);
    }

    /** The built-in least-privilege policy. */
    public static AccessPolicy defaults() {
        return DEFAULTS;
    }

    /** Reads a policy file; an {@link IllegalArgumentException} says what is wrong with it, and where. */
    public static AccessPolicy load(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, file.toString());
        } catch (IOException e) {
            throw new IllegalArgumentException("access policy " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** The full method names this policy governs: every RPC of the gateway's API services. */
    public static Set<String> apiMethods() {
        Set<String> names = new TreeSet<>();
        for (ServiceDescriptor service : SERVICES) {
            for (MethodDescriptor<?, ?> method : service.getMethods()) {
                names.add(method.getFullMethodName());
            }
        }
        return names;
    }

    /** The roles that may call {@code fullMethodName}, any one sufficing; empty when no one may. */
    public Set<String> rolesFor(String fullMethodName) {
        return rolesByMethod.getOrDefault(fullMethodName, Set.of());
    }

    /** True when a caller holding {@code roles} may call {@code fullMethodName}. */
    public boolean permits(String fullMethodName, Set<String> roles) {
        for (String role : rolesFor(fullMethodName)) { // a loop, not a stream: this runs on every call
            if (roles.contains(role)) {
                return true;
            }
        }
        return false;
    }

    static AccessPolicy parse(InputStream in, String source) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(in);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("access policy " + source + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw invalid(source, "must be a JSON object with a \"methods\" member");
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("methods")) {
                throw invalid(source, "has an unknown member \"" + name + "\" (only \"methods\" is allowed)");
            }
        }
        JsonNode methods = root.get("methods");
        if (methods == null || !methods.isObject()) {
            throw invalid(source, "needs \"methods\": an object from full method name to a list of roles");
        }
        Set<String> known = apiMethods();
        Map<String, Set<String>> rolesByMethod = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> entries = methods.fields(); entries.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = entries.next();
            String method = entry.getKey();
            if (!known.contains(method)) {
                throw invalid(source, "names an unknown method \"" + method + "\"; methods are named like "
                        + "\"hubgate.v1.RegistryService/GetDevice\"");
            }
            rolesByMethod.put(method, roles(source, method, entry.getValue()));
        }
        List<String> missing = new ArrayList<>(known);
        missing.removeAll(rolesByMethod.keySet());
        if (!missing.isEmpty()) {
            throw invalid(source, "has no entry for " + String.join(", ", missing)
                    + " (every method needs one; [] denies it to everyone)");
        }
        return new AccessPolicy(rolesByMethod);
    }

    private static Set<String> roles(String source, String method, JsonNode value) {
        if (!value.isArray()) {
            throw invalid(source, "\"" + method + "\" must be a list of role names, not " + value.getNodeType().name().toLowerCase());
        }
        Set<String> roles = new LinkedHashSet<>();
        for (JsonNode role : value) {
            if (!role.isTextual() || role.asText().isBlank()) {
                throw invalid(source, "\"" + method + "\" has a role that is not a non-blank string: " + role);
            }
            roles.add(role.asText());
        }
        return Set.copyOf(roles);
    }

    private static IllegalArgumentException invalid(String source, String problem) {
        return new IllegalArgumentException("access policy " + source + " " + problem);
    }

    private static AccessPolicy readDefaults() {
        try (InputStream in = AccessPolicy.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the built-in access policy " + DEFAULT_RESOURCE + " is missing from the jar");
            }
            return parse(in, "(built in)");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
