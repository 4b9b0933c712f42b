package io.hubgate.emulator.auth;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The four Azure built-in roles that grant IoT Hub data-plane access, with their role ids and
 * data actions exactly as Azure defines them. A role grants an action when one of its patterns
 * matches it; {@code *} stands for any run of characters, slashes included, and matching ignores
 * case, as Azure RBAC does. Owner and Contributor grant no data actions, so they are not here.
 */
public enum BuiltInRole {
    DATA_CONTRIBUTOR("IoT Hub Data Contributor", "4fc6c259-987e-4a07-842e-c321cc9d413f",
            "Microsoft.Devices/IotHubs/*"),
    DATA_READER("IoT Hub Data Reader", "b447c946-2db7-41ec-983d-d8bf3b1c77e3",
            "Microsoft.Devices/IotHubs/*/read", "Microsoft.Devices/IotHubs/fileUpload/notifications/action"),
    REGISTRY_CONTRIBUTOR("IoT Hub Registry Contributor", "4ea46cd5-c1b2-4a8e-910b-273211f9ce47",
            "Microsoft.Devices/IotHubs/devices/*"),
    TWIN_CONTRIBUTOR("IoT Hub Twin Contributor", "494bdba2-168f-4f31-a0a1-191d2f7c028c",
            "Microsoft.Devices/IotHubs/twins/*");

    /** What {@link io.hubgate.emulator.http.Operation#dataActions()} leaves off every action. */
    public static final String DATA_ACTION_PREFIX = "Microsoft.Devices/IotHubs/";

    private final String roleName;
    private final String roleId;
    private final List<String> dataActions;
    private final List<Pattern> patterns;

    BuiltInRole(String roleName, String roleId, String... dataActions) {
        this.roleName = roleName;
        this.roleId = roleId;
        this.dataActions = List.of(dataActions);
        this.patterns = this.dataActions.stream().map(BuiltInRole::glob).toList();
    }

    /** The name Azure shows, e.g. {@code IoT Hub Twin Contributor}. */
    public String roleName() {
        return roleName;
    }

    /** The role's data-action patterns, with the {@code Microsoft.Devices/IotHubs/} prefix. */
    public List<String> dataActions() {
        return dataActions;
    }

    /** @param dataAction a full action, e.g. {@code Microsoft.Devices/IotHubs/twins/write} */
    public boolean grants(String dataAction) {
        return patterns.stream().anyMatch(p -> p.matcher(dataAction).matches());
    }

    /** The role with this name or id (case-insensitive); {@link IllegalArgumentException} naming the four otherwise. */
    public static BuiltInRole fromNameOrId(String nameOrId) {
        for (BuiltInRole role : values()) {
            if (role.roleName.equalsIgnoreCase(nameOrId) || role.roleId.equalsIgnoreCase(nameOrId)) {
                return role;
            }
        }
        throw new IllegalArgumentException("'" + nameOrId + "' is not an IoT Hub data role; use one of "
                + java.util.Arrays.stream(values()).map(BuiltInRole::roleName).toList() + " or its role id");
    }

    private static Pattern glob(String action) {
        StringBuilder regex = new StringBuilder();
        for (String part : action.split("\\*", -1)) {
            if (!regex.isEmpty()) {
                regex.append(".*");
            }
            regex.append(Pattern.quote(part));
        }
        return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE);
    }
}
